/*
 * init: the root task, Domain-0's first thread. It builds Domain-0's xl
 * shell (the boot module "role=xl", a Newlib program on libos) inside
 * Domain-0 (its thread is bound to the root Domain, domid 0), gives it the
 * boot cpio archive ("role=files": /etc/xen, /boot), the serial line, and
 * all the memory it does not need itself as the guest memory pool, then
 * reports the shell's faults and exit. What the shell receives is listed in
 * control.h.
 */
#include <libos/protocol.h>
#include <tessera/bootinfo.h>
#include <ts/alloc.h>
#include <ts/cmdline.h>
#include <ts/domain.h>
#include <ts/methods.h>
#include <ts/print.h>
#include <ts/runtime.h>
#include <ts/string.h>
#include <ts/syscall.h>
#include <libos/service.h>
#include "../../stubdoms/builder/service.h"
#include "../../stubdoms/builder/stubdom.h"
#include "control.h"

#define COM1_FIRST	0x3f8
#define COM1_LAST	0x3ff
#define COM1_IRQ	4
#define SHELL_FAULT_BADGE	1
#define SHELL_EXIT_BADGE	2
#define SERVICE_FAULT_BADGE	0x10	/* | the service's index */
#define SERVICE_EXIT_BADGE	0x20
#define RW			(TS_RIGHT_READ | TS_RIGHT_WRITE)

/*
 * The stub domains Domain-0 starts before its shell, console first: the
 * xenstore service prints through a PV console introduced to it.
 */
enum { CONSOLED, XENSTORED, NR_SERVICES };
static const struct {
	const char *role, *args, *name;
	uint32_t domid;
} service_info[NR_SERVICES] = {
	{ "consoled", "consoled", "console", CONTROL_CONS_DOMID },
	{ "xenstored", "xenstored", "xenstore", CONTROL_XS_DOMID },
};
static struct stubdom_service services[NR_SERVICES];
static uint64_t wake;		/* becomes the shell's bound notification */
static uint64_t dom0_ring;	/* domain 0's XenStore ring */

static const struct ts_bootinfo *bi;

static uint64_t ram_bytes(void)
{
	uint64_t ram = 0;

	for (uint64_t i = 0; i < bi->untyped.count; i++)
		if (!bi->untyped_list[i].is_device)
			ram += 1ull << bi->untyped_list[i].size_bits;
	return ram;
}

static const struct ts_boot_module *module_with_role(const char *role)
{
	for (uint64_t i = 0; i < bi->nr_modules; i++) {
		char value[16];

		if (ts_cmdline_get(bi->modules[i].cmdline, "role", value, sizeof(value)) &&
		    strcmp(value, role) == 0)
			return &bi->modules[i];
	}
	return NULL;
}

/*
 * Moves the free memory into the shell's guest pool: a boot Untyped init
 * did not touch goes whole; from one it used, the largest Untyped that
 * still fit at its end. Returns how many caps were given.
 */
static unsigned give_pool(struct ts_domain *d)
{
	unsigned n = 0;

	for (unsigned bits = 40; bits >= 20 && n < CONTROL_POOL_MAX; bits--) {
		for (uint64_t i = 0; i < bi->untyped.count && n < CONTROL_POOL_MAX; i++) {
			const struct ts_boot_untyped *u = &bi->untyped_list[i];
			uint64_t cap = bi->untyped.first + i, free_bytes, part;

			if (u->is_device || u->size_bits < bits ||
			    ts_debug_untyped_free(TS_ROOT_DEBUG, cap, &free_bytes) != TS_OK ||
			    free_bytes < (1ull << bits))
				continue;
			if (u->size_bits == bits && free_bytes == (1ull << bits)) {
				if (ts_domain_give_move(d, cap, 0) == TS_OK)
					n++;
				continue;
			}
			part = ts_slot_alloc();
			if (part && ts_untyped_retype(cap, TS_OBJ_UNTYPED, bits, TS_ROOT_CNODE, part, 1) == TS_OK &&
			    ts_domain_give_move(d, part, 0) == TS_OK)
				n++;
		}
	}
	return n;
}

/* Gives a hardware cap (made into a free slot) to the shell's slot `want`. */
static int give_moved(struct ts_domain *d, uint64_t cap, uint64_t want)
{
	uint64_t slot;
	int err = ts_domain_give_move(d, cap, &slot);

	return err == TS_OK && slot != want ? TS_ERR_RANGE : err;
}

static uint64_t new_object(enum ts_object_type type)
{
	uint64_t slot = 0;

	return ts_object_alloc(type, 0, &slot) == TS_OK ? slot : 0;
}

static int build_service(unsigned i, uint64_t ep)
{
	const struct ts_boot_module *m = module_with_role(service_info[i].role);
	struct stubdom_config cfg = {
		.args = service_info[i].args, .cnode_radix = 12,
		.heap_bits = CONTROL_SERVICE_HEAP_BITS,
		.fault_ep = ep, .fault_badge = SERVICE_FAULT_BADGE | i,
		.exit_ep = ep, .exit_badge = SERVICE_EXIT_BADGE | i,
		.priority = CONTROL_SERVICE_PRIORITY, .cpu = 0,
		.domid = service_info[i].domid, .tsc_khz = bi->tsc_khz,
	};
	uint64_t console = 0;

	if (!m)
		return TS_ERR_INVALID_ARGUMENT;
	cfg.image = (const void *)m->vaddr;
	cfg.image_size = m->size;
	/* Only the console service writes to the serial line; it cannot read the kernel log. */
	if (i == CONSOLED) {
		console = ts_slot_alloc();
		if (!console || ts_cnode_mint(TS_ROOT_CNODE, console, TS_ROOT_CNODE, TS_ROOT_CONSOLE,
					      TS_RIGHT_WRITE, 0) != TS_OK)
			return TS_ERR_RANGE;
		cfg.console = console;
	}
	return stubdom_service_create(&cfg, &services[i]);
}

/*
 * The console service, then the xenstore service with domain 0's ring and
 * its own PV console (its output reaches the serial line as [xenstore]).
 */
static int start_services(uint64_t ep)
{
	struct stubdom_service *xs = &services[XENSTORED], *cons = &services[CONSOLED];
	uint64_t frame = new_object(TS_OBJ_FRAME_4K), ntfn = new_object(TS_OBJ_NOTIFICATION);
	int err;

	wake = new_object(TS_OBJ_NOTIFICATION);
	dom0_ring = new_object(TS_OBJ_FRAME_4K);
	if (!wake || !dom0_ring || !frame || !ntfn)
		return TS_ERR_NOT_ENOUGH_MEMORY;
	err = build_service(CONSOLED, ep);
	if (err == TS_OK)
		err = ts_domain_start(&cons->dom);
	if (err == TS_OK)
		err = build_service(XENSTORED, ep);
	if (err == TS_OK)
		err = stubdom_give(&xs->dom, "dom0ring", dom0_ring, RW, 0);
	if (err == TS_OK)
		err = stubdom_give(&xs->dom, "dom0kick", wake, TS_RIGHT_WRITE, CONTROL_WAKE_XS_BADGE);
	if (err == TS_OK)
		err = stubdom_give(&xs->dom, "pvcons", frame, RW, 0);
	if (err == TS_OK)
		err = stubdom_give_kick(&xs->dom, "pvkick", cons, CONTROL_XS_DOMID);
	if (err == TS_OK && stubdom_service_introduce(cons, CONTROL_XS_DOMID, "xenstore", frame,
						      ntfn) != SVC_OK)
		err = TS_ERR_INVALID_ARGUMENT;
	if (err == TS_OK)
		err = ts_domain_start(&xs->dom);
	return err;
}

/* Gives the shell a copy of cap in its slot `want`. */
static int give_at(struct ts_domain *d, uint64_t cap, uint64_t rights, uint64_t badge, uint64_t want)
{
	uint64_t slot;
	int err = ts_domain_give(d, cap, rights, badge, &slot);

	return err == TS_OK && slot != want ? TS_ERR_RANGE : err;
}

/* What the shell needs of the services (control.h). */
static int give_services(struct ts_domain *d)
{
	const struct stubdom_service *xs = &services[XENSTORED], *cons = &services[CONSOLED];
	int err = give_at(d, wake, TS_RIGHTS_ALL, 0, CONTROL_SLOT_WAKE);

	if (err == TS_OK)
		err = give_at(d, dom0_ring, RW, 0, CONTROL_SLOT_XS_RING);
	if (err == TS_OK)
		err = give_at(d, xs->dom.domain, TS_RIGHTS_ALL, 0, CONTROL_SLOT_XS_DOMAIN);
	if (err == TS_OK)
		err = give_at(d, cons->dom.domain, TS_RIGHTS_ALL, 0, CONTROL_SLOT_CONS_DOMAIN);
	if (err == TS_OK)
		err = give_at(d, xs->ctl, TS_RIGHT_WRITE | TS_RIGHT_GRANT, 0, CONTROL_SLOT_XS_CTL);
	if (err == TS_OK)
		err = give_at(d, xs->events, TS_RIGHT_WRITE, 0, CONTROL_SLOT_XS_EVENTS);
	if (err == TS_OK)
		err = give_at(d, cons->ctl, TS_RIGHT_WRITE | TS_RIGHT_GRANT, 0, CONTROL_SLOT_CONS_CTL);
	if (err == TS_OK)
		err = give_at(d, cons->events, TS_RIGHT_WRITE, 0, CONTROL_SLOT_CONS_EVENTS);
	if (err == TS_OK)
		err = give_at(d, cons->endpoint, TS_RIGHT_WRITE | TS_RIGHT_GRANT,
			      CONTROL_CONS_CLIENT_BADGE, CONTROL_SLOT_CONS_CLIENT);
	return err;
}

static int build_shell(const struct ts_boot_module *image, const struct ts_boot_module *files,
		       uint64_t ep, struct ts_domain *d)
{
	char args[40];
	struct stubdom_config cfg = {
		.image = (const void *)image->vaddr, .image_size = image->size, .args = args,
		.cnode_radix = CONTROL_CNODE_RADIX, .heap_bits = CONTROL_HEAP_BITS,
		.console = TS_ROOT_CONSOLE,
		.fault_ep = ep, .fault_badge = SHELL_FAULT_BADGE,
		.exit_ep = ep, .exit_badge = SHELL_EXIT_BADGE,
		.cpio = files, .priority = CONTROL_PRIORITY, .cpu = 0,
		.domid = TS_DOMID_INVALID, .tsc_khz = bi->tsc_khz,
	};
	uint64_t com1 = ts_slot_alloc(), irq = ts_slot_alloc(), dom, slot;
	size_t len;
	unsigned pool;
	int err, n;

	ts_snprintf(args, sizeof(args), "xl ram=%lu cpus=%lu", ram_bytes(), bi->nr_cpus);
	err = com1 && irq ? stubdom_create(&cfg, d) : TS_ERR_RANGE;
	/* Its thread belongs to Domain-0; the Domain object made for it goes. */
	dom = d->domain;
	if (err == TS_OK)
		err = ts_tcb_set_domain(d->tcb, TS_ROOT_DOMAIN);
	if (err == TS_OK)
		err = ts_cnode_delete(TS_ROOT_CNODE, dom);
	if (err == TS_OK)
		err = ts_ioport_control_issue(TS_ROOT_IOPORT_CONTROL, COM1_FIRST, COM1_LAST,
					      TS_ROOT_CNODE, com1);
	if (err == TS_OK)
		err = ts_irq_control_get(TS_ROOT_IRQ_CONTROL, COM1_IRQ, TS_ROOT_CNODE, irq);
	if (err == TS_OK)
		err = give_moved(d, com1, CONTROL_SLOT_COM1);
	if (err == TS_OK)
		err = give_moved(d, irq, CONTROL_SLOT_COM1_IRQ);
	if (err == TS_OK)
		err = ts_domain_give(d, TS_ROOT_DEBUG, TS_RIGHTS_ALL, 0, &slot);
	if (err == TS_OK && slot != CONTROL_SLOT_DEBUG)
		err = TS_ERR_RANGE;
	if (err == TS_OK)
		err = give_services(d);
	if (err != TS_OK)
		return err;
	pool = give_pool(d);
	len = strlen(d->info.cmdline);
	n = ts_snprintf(d->info.cmdline + len, sizeof(d->info.cmdline) - len, " pool=%u", pool);
	if (n < 0 || (size_t)n >= sizeof(d->info.cmdline) - len)
		return TS_ERR_RANGE;
	return ts_domain_start(d);
}

static void report(const struct ts_msg *m)
{
	uint64_t label = ts_msginfo_label(m->info);
	unsigned i = m->badge & 0xf;

	if (m->badge >= SERVICE_FAULT_BADGE && i < NR_SERVICES) {
		if (label == LIBOS_EXIT)
			ts_printf("init: the %s stub domain exited with status %lu\n",
				  service_info[i].name, m->mr[0]);
		else
			ts_printf("init: the %s stub domain: fault %lu at rip %p; stopped\n",
				  service_info[i].name, label, (void *)m->mr[0]);
	} else if (m->badge == SHELL_EXIT_BADGE && label == LIBOS_EXIT)
		ts_printf("init: Domain-0's xl shell exited with status %lu\n", m->mr[0]);
	else if (m->badge == SHELL_FAULT_BADGE && label == TS_FAULT_VM)
		ts_printf("init: Domain-0's xl shell: page fault at %p (rip %p); stopped\n",
			  (void *)m->mr[1], (void *)m->mr[0]);
	else if (m->badge == SHELL_FAULT_BADGE)
		ts_printf("init: Domain-0's xl shell: exception %lu at rip %p; stopped\n",
			  m->mr[1], (void *)m->mr[0]);
}

int main(void *start_arg)
{
	const struct ts_boot_module *shell, *files;
	struct ts_domain d;
	uint64_t ep;
	int err;

	bi = start_arg;
	if (ts_root_init(bi) != 0)
		return 1;
	ts_printf("init: Tessera Domain-0, %lu CPU(s), %lu MiB RAM\n", bi->nr_cpus,
		  ram_bytes() >> 20);
	shell = module_with_role("xl");
	files = module_with_role("files");
	if (!shell || !files) {
		ts_printf("init: the boot modules role=xl and role=files are needed\n");
		return 1;
	}
	err = ts_object_alloc(TS_OBJ_ENDPOINT, 0, &ep);
	if (err == TS_OK)
		err = start_services(ep);
	if (err != TS_OK) {
		ts_printf("init: cannot start the console and xenstore stub domains: %s\n",
			  ts_error_name(err));
		return 1;
	}
	err = build_shell(shell, files, ep, &d);
	if (err != TS_OK) {
		ts_printf("init: cannot start Domain-0's xl shell: %s\n", ts_error_name(err));
		return 1;
	}
	for (;;) {
		struct ts_msg m = { 0 };

		ts_recv(ep, &m);
		report(&m);
	}
}
