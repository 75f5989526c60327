/* SPDX-License-Identifier: MIT */
#ifndef KAFF_XMLCHECK_H
#define KAFF_XMLCHECK_H

#include <stddef.h>

/**
 * kaff_xml_check() - is @text (@len bytes) well-formed XML 1.0?
 * @err: receives "line N: what" on failure
 *
 * Return: 0 when well-formed, -1 otherwise.
 */
int kaff_xml_check(const char *text, size_t len, char *err, size_t errlen);

#endif
