/* SPDX-License-Identifier: MIT */
/* kaff_ctx_dump(): the whole state as text, for tests and debugging. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "kaff-private.h"

struct out {
	int (*write)(void *data, const char *buf, size_t len);
	void *data;
	const struct kaff_allocator *alloc; /* the context's: every allocation */
	int ret;
};

static void put(struct out *o, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static void put(struct out *o, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	if (o->ret)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(buf))
		n = (int)sizeof(buf) - 1;
	o->ret = o->write(o->data, buf, (size_t)n);
}

/* A mask as a cpulist ("-" when empty); lists can be long, so print
 * through a heap buffer sized by a first call. */
static void put_mask(struct out *o, const char *label, const struct kaff_cpumask *m)
{
	size_t n;
	char *buf;

	if (o->ret)
		return;
	put(o, " %s=", label);
	if (!m) {
		put(o, "none");
		return;
	}
	n = kaff_cpulist_snprint(NULL, 0, m);
	if (!n) {
		put(o, "-");
		return;
	}
	buf = kaff__malloc(o->alloc, n + 1);
	if (!buf) {
		o->ret = -ENOMEM;
		return;
	}
	kaff_cpulist_snprint(buf, n + 1, m);
	if (!o->ret)
		o->ret = o->write(o->data, buf, n);
	kaff__free(o->alloc, buf);
}

static void put_kthread(struct out *o, const struct kaff_ctx *ctx, uint32_t id)
{
	const struct kaff_kthread *k = &ctx->kt[id];

	put(o, "kthread %u node=%d cpu=%d%s%s%s%s%s", (unsigned int)id, (int)k->node,
	    (int)k->cpu,
	    (k->flags & KAFF_KTHREAD_STARTED) ? " started" : "",
	    (k->flags & KAFF_KTHREAD_NO_SETAFFINITY) ? " no_setaffinity" : "",
	    (k->flags & KAFF_KTHREAD_PER_CPU) ? " per_cpu" : "",
	    (k->flags & KAFF_KTHREAD_PARKED) ? " parked" : "",
	    (k->flags & KAFF_KTHREAD_MANAGED) ? " managed" : "");
	const struct kaff_imask *pref = kaff__kt_pref(k), *user = kaff__kt_user(k);

	put_mask(o, "cpus", &kaff__kt_cpus(k)->mask);
	put_mask(o, "pref", pref ? &pref->mask : NULL);
	put_mask(o, "user", user ? &user->mask : NULL);
	put(o, "\n");
}

int kaff_ctx_dump(const struct kaff_ctx *ctx,
		  int (*write)(void *data, const char *buf, size_t len), void *data)
{
	struct out o = { write, data, NULL, 0 };
	unsigned int i;
	uint32_t id;

	if (!ctx || !write)
		return -EINVAL;
	o.alloc = &ctx->alloc;
	put(&o, "profile %s booted=%d nr_cpu_ids=%u\n", kaff_profile_name(ctx->profile),
	    (int)ctx->booted, ctx->nr_cpu_ids);
	put(&o, "machine");
	put_mask(&o, "online", ctx->online);
	put_mask(&o, "boot_online", ctx->boot_online);
	put(&o, "\n");
	for (i = 0; i < ctx->nr_nodes; i++) {
		put(&o, "node %u", i);
		put_mask(&o, "cpus", ctx->node_cpus[i]);
		put(&o, "\n");
	}
	for (i = 0; i < ctx->nr_boot_params; i++)
		put(&o, "boot %s\n", ctx->boot_params[i]);
	put(&o, "housekeeping flags=%#x", ctx->hk_flags);
	for (i = 0; i < KAFF_HK_TYPE_MAX; i++) {
		static const char *const names[] = { "domain_boot", "domain",
						     "managed_irq", "kernel_noise" };

		put_mask(&o, names[i], ctx->booted ? kaff__hk(ctx, (enum kaff_hk_type)i) : NULL);
	}
	put_mask(&o, "boot_isolated", ctx->boot_isolated);
	put_mask(&o, "cpuset_isolated", ctx->cpuset_isolated);
	put(&o, "\n");
	if (ctx->nr_kt)
		put_kthread(&o, ctx, 0);
	for (id = kaff__kt_next_live(ctx, KAFF_KTHREADD); id != KAFF_NONE;
	     id = kaff__kt_next_live(ctx, id))
		put_kthread(&o, ctx, id);
	put(&o, "managed");
	for (id = ctx->managed.first; id != KAFF_NONE; id = ctx->kt[id].link[KL_MANAGED].next)
		put(&o, " %u", (unsigned int)id);
	put(&o, "\nnext_id %u live %u per_cpu %u masks %zu groups %zu deferred_hk_update %d\n",
	    (unsigned int)ctx->nr_kt, (unsigned int)ctx->nr_live, (unsigned int)ctx->nr_per_cpu,
	    kaff__imask_count(ctx), ctx->ngroups, (int)ctx->hk_update_deferred);
	return o.ret;
}
