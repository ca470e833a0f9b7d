/* lwIP's clock (NO_SYS=1): milliseconds from libos's TSC clock. */
#include <lwip/sys.h>
#include <libos/libos.h>

u32_t sys_now(void)
{
	return (u32_t)(libos_now_ns() / 1000000);
}
