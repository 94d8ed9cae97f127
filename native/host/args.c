/*
 * cordon-host's command line:
 *   --memory BYTES  --cpu-seconds N  --data DIR  --threads N
 *   --syscalls GROUP,...   (cordon/syscall_groups.def's names; default all)
 * Numbers are plain decimal. Errors go to header.error like any other
 * startup error, so the channel is mapped before the arguments are read.
 */
#include <string.h>

#include "host.h"
#include "policy/policy.h"

static int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

static uint64_t number(struct host *h, const char *opt, const char *value)
{
	uint64_t v;

	if (!value)
		host_fail(h, "args: %s needs a value", opt);
	if (parse_u64(value, &v))
		host_fail(h, "args: %s: not a decimal number: %.64s", opt, value);
	return v;
}

/* "io,time" -> bits; "" grants none of the groups */
static uint32_t syscall_groups(struct host *h, const char *list)
{
	uint32_t bits = 0;
	const char *p = list, *end;
	unsigned bit;
	size_t n;

	if (!list)
		host_fail(h, "args: --syscalls needs a value");
	while (*p) {
		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		bit = cordon_group_bit(p, n);
		if (!bit)
			host_fail(h, "args: --syscalls: unknown group %.*s", (int)(n < 32 ? n : 32), p);
		bits |= bit;
		p += n;
		if (*p == ',')
			p++;
	}
	return bits;
}

void host_parse_args(struct host *h, int argc, char **argv)
{
	struct host_opts *o = &h->opts;
	int have_threads = 0, i;
	uint64_t v;

	o->syscall_groups = CORDON_SYS_ALL;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--memory")) {
			o->memory = number(h, a, value);
		} else if (!strcmp(a, "--cpu-seconds")) {
			o->cpu_seconds = number(h, a, value);
		} else if (!strcmp(a, "--threads")) {
			v = number(h, a, value);
			if (v < 1 || v > CORDON_MAX_SLOTS)
				host_fail(h, "args: --threads must be 1..%d", CORDON_MAX_SLOTS);
			o->threads = (uint32_t)v;
			have_threads = 1;
		} else if (!strcmp(a, "--syscalls")) {
			o->syscall_groups = syscall_groups(h, value);
		} else if (!strcmp(a, "--data")) {
			if (!value || !*value)
				host_fail(h, "args: --data needs a directory");
			o->data_dir = value;
		} else {
			host_fail(h, "args: unknown option %.64s", a);
		}
		i++; /* every option takes one value */
	}
	if (!have_threads)
		host_fail(h, "args: --threads is required");
}
