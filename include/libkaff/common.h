/* SPDX-License-Identifier: MIT */
/* Things every libkaff header needs: symbol visibility, errno names. */
#ifndef LIBKAFF_COMMON_H
#define LIBKAFF_COMMON_H

#if defined(KAFF_BUILDING) && defined(__GNUC__)
#define KAFF_EXPORT __attribute__((visibility("default")))
#else
#define KAFF_EXPORT
#endif

#ifdef __cplusplus
extern "C" {
#endif

/**
 * kaff_strerrorname() - the errno name of @err ("EINVAL" for -EINVAL or EINVAL)
 * @err: an errno value, negative or positive
 *
 * Return: a static string; "E?" for a value libkaff never returns.
 */
KAFF_EXPORT const char *kaff_strerrorname(int err);

/** kaff_version_string() - the library version, e.g. "0.1.0" */
KAFF_EXPORT const char *kaff_version_string(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBKAFF_COMMON_H */
