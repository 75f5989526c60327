/* SPDX-License-Identifier: MIT */
/*
 * libkaff: a userspace model of how Linux decides the CPU affinity of
 * kernel threads (6.14 "kthread: Implement preferred affinity" to 7.3).
 * Include this header; it includes the others.
 */
#ifndef LIBKAFF_KAFF_H
#define LIBKAFF_KAFF_H

#include <libkaff/common.h>
#include <libkaff/cpumask.h>
#include <libkaff/cpulist.h>
#include <libkaff/housekeeping.h>
#include <libkaff/profile.h>
#include <libkaff/machine.h>
#include <libkaff/kthread.h>
#include <libkaff/irq.h>
#include <libkaff/population.h>
#include <libkaff/scenario.h>
#include <libkaff/invariant.h>

#endif /* LIBKAFF_KAFF_H */
