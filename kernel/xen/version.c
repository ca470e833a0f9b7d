/* xen_version and console_io. */
#include <kernel/printk.h>
#include <kernel/string.h>
#include "internal.h"

enum { XENVER_version, XENVER_extraversion, XENVER_compile_info, XENVER_capabilities,
       XENVER_changeset, XENVER_platform_parameters, XENVER_get_features, XENVER_pagesize,
       XENVER_guest_handle, XENVER_commandline, XENVER_build_id };
enum { CONSOLEIO_write, CONSOLEIO_read };

#define XEN_VERSION		((4 << 16) | 17)	/* the interface we follow: 4.17 */
#define HYPERVISOR_VIRT_START	0xffff800000000000ull
#define CONSOLE_CHUNK		128
#define CONSOLE_MAX		16384	/* per call, as Xen's own guest_console_write limit */

/* XENFEAT_* for translated guests: writable page tables (2.0 PV ABI legacy
   bit every HVM guest gets), auto-translated physmap, vector callbacks,
   a pvclock that is safe to use with HVM, and supervisor-mode kernels. */
#define XENFEATURES	((1u << 0) | (1u << 2) | (1u << 3) | (1u << 8) | (1u << 9))

static int64_t put_string(struct xen_call *c, const char *s, size_t size)
{
	char buf[64] = { 0 };

	strlcpy(buf, s, sizeof(buf));
	return copy_to_guest(c, c->arg[1], buf, size < sizeof(buf) ? size : sizeof(buf)) ?
		xen_err(XEN_EFAULT) : 0;
}

int64_t xen_version_op(struct xen_call *c)
{
	struct { uint32_t idx, map; } f;
	uint64_t virt_start = HYPERVISOR_VIRT_START;
	uint8_t handle[16] = { 0 };
	char caps[1024] = "hvm-3.0-x86_64";

	switch (c->arg[0]) {
	case XENVER_version:
		return XEN_VERSION;
	case XENVER_extraversion:
		return put_string(c, "-tessera", 16);
	case XENVER_changeset:
		return put_string(c, "tessera", 64);
	case XENVER_compile_info: {
		char info[144] = { 0 };
		strlcpy(info, "gcc", 64);
		strlcpy(info + 64, "tessera", 16);
		return copy_to_guest(c, c->arg[1], info, sizeof(info)) ? xen_err(XEN_EFAULT) : 0;
	}
	case XENVER_capabilities:
		return copy_to_guest(c, c->arg[1], caps, sizeof(caps)) ? xen_err(XEN_EFAULT) : 0;
	case XENVER_platform_parameters:
		return copy_to_guest(c, c->arg[1], &virt_start, 8) ? xen_err(XEN_EFAULT) : 0;
	case XENVER_get_features:
		if (copy_from_guest(c, c->arg[1], &f, sizeof(f)))
			return xen_err(XEN_EFAULT);
		if (f.idx != 0)
			return xen_err(XEN_EINVAL);
		f.map = XENFEATURES;
		return copy_to_guest(c, c->arg[1], &f, sizeof(f)) ? xen_err(XEN_EFAULT) : 0;
	case XENVER_pagesize:
		return 4096;
	case XENVER_guest_handle:
		return copy_to_guest(c, c->arg[1], handle, sizeof(handle)) ? xen_err(XEN_EFAULT) : 0;
	case XENVER_commandline:
	case XENVER_build_id:
		return xen_err(XEN_EPERM);	/* the control domain's business */
	default:
		return xen_err(XEN_ENOSYS);
	}
}

/* CONSOLEIO_write goes to the kernel log, tagged with the domain; reading
   the hypervisor console is for the control domain only. */
int64_t xen_console_io(struct xen_call *c)
{
	uint64_t count = c->arg[1], gla = c->arg[2];
	char buf[CONSOLE_CHUNK + 1];

	if (c->arg[0] == CONSOLEIO_read)
		return xen_err(XEN_EPERM);
	if (c->arg[0] != CONSOLEIO_write)
		return xen_err(XEN_ENOSYS);
	if (count > CONSOLE_MAX)
		count = CONSOLE_MAX;
	for (uint64_t done = 0; done < count;) {
		size_t n = count - done < CONSOLE_CHUNK ? count - done : CONSOLE_CHUNK;
		if (copy_from_guest(c, gla + done, buf, n))
			return xen_err(XEN_EFAULT);
		for (size_t i = 0; i < n; i++)
			if ((buf[i] < ' ' && buf[i] != '\n' && buf[i] != '\t') || buf[i] == 0x7f)
				buf[i] = '.';
		buf[n] = 0;
		pr_info("(d%u) %s", c->d->domid, buf);
		done += n;
	}
	return 0;
}
