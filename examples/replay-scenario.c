/* Replay a scenario given on the command line and print its trace:
 * the library side of `kaff run`. */
#include <stdio.h>
#include <string.h>

#include <libkaff/kaff.h>

static int write_trace(void *data, const char *buf, size_t len)
{
	(void)data;
	return fwrite(buf, 1, len, stdout) == len ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const char demo[] =
		"kernel 7.3\ncpus 8\nnode 0 0-3\nnode 1 4-7\n"
		"create A node=1\nwake A\noffline 4\noffline 5\nshow\n"
		"offline 6\noffline 7\nwake A\nshow\nonline 6\nshow\n";
	const char *text = argc > 1 ? argv[1] : demo;
	struct kaff_replay_ops ops = { .write_trace = write_trace };
	struct kaff_scenario_error err;
	struct kaff_scenario *sc;
	int ret;

	ret = kaff_scenario_parse(text, strlen(text), NULL, &sc, &err);
	if (ret) {
		fprintf(stderr, "line %u col %u: %s\n", err.line, err.col, err.msg);
		return 2;
	}
	ret = kaff_scenario_replay(sc, &ops, NULL);
	kaff_scenario_free(sc);
	return ret ? 1 : 0;
}
