/*
 * Start-up of a stub domain: libtessera's child start-up, the command
 * line, the heap, the files, constructors; then exit(main(argc, argv)).
 */
#include <stdlib.h>
#include <string.h>
#include <ts/alloc.h>
#include <ts/methods.h>
#include <ts/print.h>
#include <ts/runtime.h>
#include "internal.h"

struct libos_args libos_args;

/* From stubdom.ld. */
typedef void (*constructor)(void);
extern constructor __init_array_start[], __init_array_end[];

/* The program's main; <ts/runtime.h> declares libtessera's main(void *). */
extern int program_main(int argc, char **argv) __asm__("main");
void libos_start(const struct ts_child_info *info) __attribute__((noreturn));

/* Without a usable start-up there is no libc to report through. */
static void __attribute__((noreturn)) fail(const char *why)
{
	if (ts_console)
		ts_console_write(ts_console, why, strlen(why));
	for (;;)
		ts_tcb_suspend(TS_CHILD_TCB);
}

void libos_start(const struct ts_child_info *info)
{
	if (ts_child_init(info) != 0)
		fail("libos: not started by a Tessera domain builder\n");
	libos_main_thread.t.tls.ipc = info->ipc;
	libos_main_thread.t.tcb = TS_CHILD_TCB;
	info->ipc->user_data = (uint64_t)(uintptr_t)&libos_main_thread;
	if (libos_parse_args(info->cmdline, &libos_args) != 0)
		fail("libos: bad command line\n");
	if (libos_args.heap)
		ts_alloc_init(TS_CHILD_CNODE, info->first_free, 1ull << info->cnode_radix,
			      libos_args.heap, 1);
	libos_heap_init();
	libos_files_init();
	libos_pvconsole_init();
	for (constructor *c = __init_array_start; c < __init_array_end; c++)
		(*c)();
	exit(program_main(libos_args.argc, libos_args.argv));
}
