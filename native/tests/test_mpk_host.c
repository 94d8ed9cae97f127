/* MPK on the build host: detection agrees with /proc/cpuinfo, and the PKRU
 * values; the tests under real keys are tests/vm/mpk_test.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cordon/mpk.h"
#include "harness.h"
#include "suites.h"

/* 1 if the first "flags" line of /proc/cpuinfo has the word, 0 if not,
 * -1 if it cannot be read. */
static int cpuinfo_has(const char *flag)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[8192], *w, *save;
	int found = -1;

	if (!f)
		return -1;
	while (found < 0 && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5) || !strchr(line, ':'))
			continue;
		found = 0;
		for (w = strtok_r(strchr(line, ':') + 1, " \t\n", &save); w;
		     w = strtok_r(NULL, " \t\n", &save))
			found |= !strcmp(w, flag);
	}
	fclose(f);
	return found;
}

void test_mpk_host(void)
{
	int pku = cpuinfo_has("pku"), ospke = cpuinfo_has("ospke");
	int avail = cordon_mpk_available();
	struct cordon_region r;
	int rc;

	suite("mpk: host");
	if (check(pku >= 0 && ospke >= 0, "/proc/cpuinfo readable (pku %d, ospke %d)",
		  pku, ospke))
		check(avail == (pku && ospke),
		      "cordon_mpk_available() = %d agrees with /proc/cpuinfo", avail);
	check(cordon_pkru_trusted() == 0, "trusted PKRU opens every key");
	check(cordon_pkru_for_domain(1) == 0xfffffff3u &&
	      cordon_pkru_for_domain(15) == 0x3fffffffu,
	      "domain PKRU opens only its key (1: 0x%08x, 15: 0x%08x)",
	      cordon_pkru_for_domain(1), cordon_pkru_for_domain(15));
	check(cordon_pkru_for_domain(0) == 0xffffffffu &&
	      cordon_pkru_for_domain(16) == 0xffffffffu &&
	      cordon_pkru_for_domain(-1) == 0xffffffffu,
	      "invalid keys close everything");
	if (!avail) {
		rc = cordon_region_create(4096, &r);
		check(rc < 0 && !r.base && r.key == -1,
		      "no PKU: region refused cleanly (%d, %s)", rc, strerror(-rc));
		check(cordon_pkey_alloc() < 0, "no PKU: pkey_alloc fails");
	}
	check(cordon_region_create(0, &r) == -EINVAL && cordon_region_create(1, NULL) == -EINVAL,
	      "bad region arguments");
	check(cordon_region_destroy(NULL) == 0, "destroy NULL");
}
