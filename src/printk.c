/* SPDX-License-Identifier: MIT */
/*
 * The context's console (kernel/printk/printk.c): what the kernel would
 * print (warnings, boot messages) goes to the caller's log function.
 */
#include <stdarg.h>
#include <stdio.h>

#include "kaff-private.h"

void kaff__log(const struct kaff_ctx *ctx, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!ctx->log_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ctx->log_fn(ctx->log_data, line);
}
