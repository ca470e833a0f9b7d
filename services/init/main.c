/*
 * init: the root task, seed of the control domain. It reports what the
 * kernel handed it, builds one domain per boot module whose command line
 * names it (name=NAME [domid=N] [prio=N] [cpu=N] [radix=N]), and then
 * serves their requests and reports their faults.
 */
#include <tessera/bootinfo.h>
#include <ts/cmdline.h>
#include <ts/alloc.h>
#include <ts/domain.h>
#include <ts/methods.h>
#include <ts/print.h>
#include <ts/runtime.h>
#include <ts/string.h>
#include <ts/syscall.h>
#include "protocol.h"

#define MAX_DOMAINS	TS_BOOT_MAX_MODULES
#define FAULT_BADGE	0x100	/* | domain index: a fault message */
#define CLIENT_BADGE	0x200	/* | domain index: a request */

struct child {
	char name[32];
	struct ts_domain d;
};

static const struct ts_bootinfo *bi;
static struct child children[MAX_DOMAINS];
static unsigned nr_children;

static uint64_t uptime_ms(void)
{
	return bi->tsc_khz ? ts_rdtsc() / bi->tsc_khz : 0;
}

static void report_boot(void)
{
	uint64_t ram = 0, device = 0;

	for (uint64_t i = 0; i < bi->untyped.count; i++) {
		if (bi->untyped_list[i].is_device)
			device += 1ull << bi->untyped_list[i].size_bits;
		else
			ram += 1ull << bi->untyped_list[i].size_bits;
	}
	ts_printf("init: Tessera root task, %lu CPU(s), TSC %lu kHz, kernel cmdline '%s'\n",
		  bi->nr_cpus, bi->tsc_khz, bi->cmdline);
	ts_printf("init: %lu untyped caps: %lu MiB RAM, %lu MiB device; %lu free slots of %lu\n",
		  bi->untyped.count, ram >> 20, device >> 20, bi->empty.count,
		  1ul << bi->root_cnode_radix);
	for (uint64_t i = 0; i < bi->nr_modules; i++)
		ts_printf("init: module %lu: %lu bytes at %p, cmdline '%s'\n", i,
			  bi->modules[i].size, (void *)bi->modules[i].vaddr, bi->modules[i].cmdline);
}

/* A numeric option of a module command line, or def when absent. */
static uint64_t option(const char *cmdline, const char *key, uint64_t def)
{
	char value[24];
	const char *p = value;

	if (!ts_cmdline_get(cmdline, key, value, sizeof(value)))
		return def;
	return ts_parse_u64(&p);
}

static void start_domain(const struct ts_boot_module *mod, uint64_t ep)
{
	struct child *c = &children[nr_children];
	struct ts_domain_config cfg = {
		.image = (const void *)mod->vaddr,
		.image_size = mod->size,
		.cmdline = mod->cmdline,
		.cnode_radix = (unsigned)option(mod->cmdline, "radix", 8),
		.fault_ep = ep,
		.fault_badge = FAULT_BADGE | nr_children,
		.console = TS_ROOT_CONSOLE,
		.priority = (unsigned)option(mod->cmdline, "prio", 50),
		.cpu = (unsigned)(option(mod->cmdline, "cpu", 0) % bi->nr_cpus),
		.domid = option(mod->cmdline, "domid", TS_DOMID_INVALID),
	};
	int err;

	ts_cmdline_get(mod->cmdline, "name", c->name, sizeof(c->name));
	err = ts_domain_create(&cfg, &c->d);
	if (err == TS_OK)
		err = ts_domain_give(&c->d, ep, TS_RIGHT_WRITE, CLIENT_BADGE | nr_children, 0);
	if (err == TS_OK)
		err = ts_domain_start(&c->d);
	if (err != TS_OK) {
		ts_printf("init: cannot start domain %s: %s\n", c->name, ts_error_name(err));
		return;
	}
	ts_printf("init: started domain %s (priority %u, CPU %u)\n", c->name, cfg.priority, cfg.cpu);
	nr_children++;
}

static void report_fault(const struct child *c, const struct ts_msg *m)
{
	uint64_t kind = ts_msginfo_label(m->info);

	if (kind == TS_FAULT_VM)
		ts_printf("init: domain %s: page fault at %p (rip %p, error %lx); stopped\n",
			  c->name, (void *)m->mr[1], (void *)m->mr[0], m->mr[2]);
	else
		ts_printf("init: domain %s: exception %lu at rip %p (error %lx); stopped\n",
			  c->name, m->mr[1], (void *)m->mr[0], m->mr[2]);
}

/* Serves requests and faults forever; a faulted domain stays stopped. */
static __attribute__((noreturn)) void serve(uint64_t ep)
{
	struct ts_msg m = { 0 };

	ts_recv(ep, &m);
	for (;;) {
		uint64_t index = m.badge & 0xff;
		int reply = 0;

		if ((m.badge & ~0xffull) == CLIENT_BADGE && index < nr_children &&
		    ts_msginfo_label(m.info) == INIT_HELLO) {
			ts_printf("init: domain %s says hello\n", children[index].name);
			m.info = ts_msginfo_new(0, 0, 2);
			m.mr[0] = nr_children;
			m.mr[1] = uptime_ms();
			reply = 1;
		} else if ((m.badge & ~0xffull) == FAULT_BADGE && index < nr_children) {
			report_fault(&children[index], &m);
		}
		if (reply) {
			ts_reply_recv(ep, &m);
		} else {
			m = (struct ts_msg){ 0 };
			ts_recv(ep, &m);
		}
	}
}

int main(void *start_arg)
{
	uint64_t ep;

	bi = start_arg;
	if (ts_root_init(bi) != 0)
		return 1;
	report_boot();
	if (ts_object_alloc(TS_OBJ_ENDPOINT, 0, &ep) != TS_OK) {
		ts_printf("init: no memory for an endpoint\n");
		return 1;
	}
	for (uint64_t i = 0; i < bi->nr_modules && nr_children < MAX_DOMAINS; i++) {
		char name[2];

		if (ts_cmdline_get(bi->modules[i].cmdline, "name", name, sizeof(name)))
			start_domain(&bi->modules[i], ep);
	}
	ts_printf("init: %u domain(s) running\n", nr_children);
	serve(ep);
}
