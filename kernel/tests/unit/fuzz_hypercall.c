/*
 * libFuzzer harness for the Xen hypercall ABI (kernel/xen/) on the host
 * model: two Xen domains with a bound vCPU thread each (A has a second
 * vCPU and thread, and a link to a native notification), and pool tables
 * and frames; each input is a series of hypercalls with fuzzed
 * numbers, arguments (pointers into the guest, or wild) and argument bytes,
 * interleaved with timer expiry. After every input the kernel's invariants
 * must hold; ASan/UBSan catch any stray access.
 */
#include <stdlib.h>
#include <string.h>
#include <kernel/arch.h>
#include <kernel/invariants.h>
#include <kernel/ipc.h>
#include <kernel/sched.h>
#include <kernel/timer.h>
#include <kernel/xen.h>
#include "host_arch.h"
#include "unit.h"

#define RECORD		(2 + 3 * 8 + 32)
#define ARG_GPA		0x1000
#define HC_vcpu_op	24
enum { VCPUOP_initialise, VCPUOP_up };
#define SLOT_THREAD	770	/* to 772: the threads running A's and B's vCPUs and A's vCPU 1 */
#define SLOT_TABLES	760	/* to 765: a page table, directory and frame for each pool */
#define SLOT_VCPUS	766	/* and 767: A's vCPUs 1 (with the third thread) and 2 */

static struct xen_guest a = { .base = 700, .domid = 5 }, b = { .base = 730, .domid = 6 };
static struct tcb *threads[3];

static void prepare(void)
{
	unit_setup();
	host.vcpu_supported = true;
	/* A TSC rate whose ns <-> TSC conversions do not divide evenly. */
	tsc_khz = 2593217;
	if (!make_xen_guest(&a) || !make_xen_guest(&b) ||
	    retype(TS_OBJ_TCB, 0, SLOT_THREAD, 3) != TS_OK ||
	    retype(TS_OBJ_VCPU, 0, SLOT_VCPUS, 2) != TS_OK ||
	    INVOKE(SLOT_VCPUS, TS_VCPU_SET_SPACE, a.base + 1) != TS_OK ||
	    INVOKE(SLOT_VCPUS + 1, TS_VCPU_SET_SPACE, a.base + 1) != TS_OK ||
	    INVOKE(a.base, TS_DOMAIN_XEN_ADD_VCPU, SLOT_VCPUS, 1) != TS_OK ||
	    INVOKE(a.base, TS_DOMAIN_XEN_ADD_VCPU, SLOT_VCPUS + 1, 2) != TS_OK ||
	    INVOKE(SLOT_THREAD, TS_TCB_BIND_VCPU, a.base + 13) != TS_OK ||
	    INVOKE(SLOT_THREAD + 1, TS_TCB_BIND_VCPU, b.base + 13) != TS_OK ||
	    INVOKE(SLOT_THREAD + 2, TS_TCB_BIND_VCPU, SLOT_VCPUS) != TS_OK ||
	    retype(TS_OBJ_NOTIFICATION, 0, 780, 2) != TS_OK ||
	    INVOKE(a.base, TS_DOMAIN_EVTCHN_LINK, 780, 781) != TS_OK ||
	    retype(TS_OBJ_PAGE_TABLE, 0, SLOT_TABLES, 2) != TS_OK ||
	    retype(TS_OBJ_PAGE_DIRECTORY, 0, SLOT_TABLES + 2, 2) != TS_OK ||
	    retype(TS_OBJ_FRAME_4K, 0, SLOT_TABLES + 4, 2) != TS_OK)
		abort();
	/* Pool tables and frames, so grant mappings and grant frames can be
	   placed at fuzzed addresses. */
	for (unsigned i = 0; i < 6; i++)
		if (INVOKE(i % 2 ? b.base : a.base,
			   i < 4 ? TS_DOMAIN_XEN_ADD_TABLE : TS_DOMAIN_XEN_ADD_GRANT_FRAME,
			   SLOT_TABLES + i) != TS_OK)
			abort();
	for (unsigned i = 0; i < 3; i++) {
		threads[i] = cap_tcb(&root[SLOT_THREAD + i].cap);
		sched_make_runnable(threads[i]);
	}
	/* A's vCPU 1 starts up, as its vCPU 0 brings it up (VCPUOP_down and up
	   then have a live second vCPU); vCPU 2 stays for VCPUOP_initialise.
	   Past the fuzzed bytes, A's argument page keeps a good context every
	   128 bytes, so some of those calls get through the checks. */
	for (unsigned off = 128; off < 4096; off += 128) {
		union hvm_ctx ctx = xen_flat_context(off % 256 == 0);
		memcpy(a.page[1] + off, &ctx, sizeof(ctx));
	}
	if (xen_guest_hypercall(&a, HC_vcpu_op, VCPUOP_initialise, 1, ARG_GPA + 128) != 0 ||
	    xen_guest_hypercall(&a, HC_vcpu_op, VCPUOP_up, 1, 0) != 0)
		abort();
}

static uint64_t u64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;

	if (!ready) {
		prepare();
		ready = true;
	}
	for (; size >= RECORD; data += RECORD, size -= RECORD) {
		struct xen_guest *g = data[1] & 0x80 ? &b : &a;
		uint64_t arg[3];

		for (unsigned i = 0; i < 3; i++) {
			arg[i] = u64(data + 2 + 8 * i);
			/* Mostly small numbers and pointers into the argument page. */
			if (data[1] & (1u << i))
				arg[i] = ARG_GPA + arg[i] % 4096;
			else if (data[1] & (8u << i))
				arg[i] %= 64;
		}
		memcpy(g->page[1], data + 26, 32);
		xen_guest_hypercall(g, data[0] % 48, arg[0], arg[1], arg[2]);
		/* A vCPU thread may have blocked or sent its shutdown: resume it. */
		for (unsigned i = 0; i < 3; i++)
			if (threads[i]->state != THREAD_RUNNABLE) {
				ipc_cancel(threads[i]);
				sched_make_runnable(threads[i]);
			}
		host.tsc += data[0] * 100000ull;
		timer_expire(host.tsc);
		notification_signal(cap_notification(&root[781].cap), 1);
	}
	if (invariants_check() != 0)
		abort();
	return 0;
}
