/*
 * Time and randomness: the kernel writes the results straight into the
 * domain's memory once every pointer is checked (optional ones may be
 * NULL). Clocks are the system-wide ones Linux names with small numbers;
 * a negative clock id (the CPU clock of some other process or thread) is
 * refused with EINVAL, the kernel's answer for a clock it does not know.
 */
#include <errno.h>
#include <time.h>

#include "vsys_int.h"

#define TS 16 /* struct timespec, struct timeval */
#define GRND_OK 7 /* GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE */

/* CLOCK_REALTIME .. CLOCK_TAI, without the unused 10; 2 and 3 are this
 * process's and this thread's CPU time */
static int clock_ok(long clk)
{
	int id = (int)clk;

	return id >= 0 && id <= 11 && id != 10;
}

long vsys_clock_gettime(struct vsys_call *c)
{
	if (!clock_ok(c->a[0]))
		return -EINVAL;
	if (!vsys_in_region(c->v, (uintptr_t)c->a[1], TS))
		return -EFAULT;
	return vsys_sys(SYS_clock_gettime, (int)c->a[0], c->a[1], 0);
}

long vsys_clock_getres(struct vsys_call *c)
{
	if (!clock_ok(c->a[0]))
		return -EINVAL;
	if (!vsys_in_region_or_null(c->v, (uintptr_t)c->a[1], TS))
		return -EFAULT;
	return vsys_sys(SYS_clock_getres, (int)c->a[0], c->a[1], 0);
}

static long sleep_on(struct vsys_call *c, long clk, long flags, long req, long rem)
{
	if (!clock_ok(clk))
		return -EINVAL;
	if (flags & ~(long)TIMER_ABSTIME)
		return -EINVAL;
	if (!vsys_in_region(c->v, (uintptr_t)req, TS) ||
	    !vsys_in_region_or_null(c->v, (uintptr_t)rem, TS))
		return -EFAULT;
	return vsys_sys6(SYS_clock_nanosleep, (int)clk, flags, req, rem, 0, 0);
}

long vsys_clock_nanosleep(struct vsys_call *c)
{
	return sleep_on(c, c->a[0], (int)c->a[1], c->a[2], c->a[3]);
}

long vsys_nanosleep(struct vsys_call *c)
{
	if (!vsys_in_region(c->v, (uintptr_t)c->a[0], TS) ||
	    !vsys_in_region_or_null(c->v, (uintptr_t)c->a[1], TS))
		return -EFAULT;
	return vsys_sys(SYS_nanosleep, c->a[0], c->a[1], 0);
}

long vsys_gettimeofday(struct vsys_call *c)
{
	if (!vsys_in_region_or_null(c->v, (uintptr_t)c->a[0], TS) ||
	    !vsys_in_region_or_null(c->v, (uintptr_t)c->a[1], 8))
		return -EFAULT;
	return vsys_sys(SYS_gettimeofday, c->a[0], c->a[1], 0);
}

long vsys_time(struct vsys_call *c)
{
	if (!vsys_in_region_or_null(c->v, (uintptr_t)c->a[0], 8))
		return -EFAULT;
	return vsys_sys(SYS_time, c->a[0], 0, 0);
}

long vsys_getrandom(struct vsys_call *c)
{
	size_t len = (size_t)c->a[1];

	if ((unsigned)c->a[2] & ~GRND_OK || c->a[2] >> 32)
		return -EINVAL;
	if (len && !vsys_in_region(c->v, (uintptr_t)c->a[0], len))
		return -EFAULT;
	return vsys_sys(SYS_getrandom, c->a[0], len, (unsigned)c->a[2]);
}
