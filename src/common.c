/* SPDX-License-Identifier: MIT */
/* libkaff: errno names and the library version. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>

#include <libkaff/common.h>

#ifndef KAFF_VERSION
#define KAFF_VERSION "0.1.0"
#endif

struct errname {
	int err;
	const char *name;
};

#define ERRNAME(e) { e, #e }

/*
 * Only EDOM and ERANGE are C11; the others are POSIX, so each is guarded.
 * Where two names share a value (EOPNOTSUPP and ENOTSUP on Linux) the
 * first one listed wins.
 */
static const struct errname errnames[] = {
#ifdef EPERM
	ERRNAME(EPERM),
#endif
#ifdef ENOENT
	ERRNAME(ENOENT),
#endif
#ifdef ESRCH
	ERRNAME(ESRCH),
#endif
#ifdef EINTR
	ERRNAME(EINTR),
#endif
#ifdef EIO
	ERRNAME(EIO),
#endif
#ifdef ENXIO
	ERRNAME(ENXIO),
#endif
#ifdef E2BIG
	ERRNAME(E2BIG),
#endif
#ifdef EBADF
	ERRNAME(EBADF),
#endif
#ifdef ECHILD
	ERRNAME(ECHILD),
#endif
#ifdef EAGAIN
	ERRNAME(EAGAIN),
#endif
#ifdef ENOMEM
	ERRNAME(ENOMEM),
#endif
#ifdef EACCES
	ERRNAME(EACCES),
#endif
#ifdef EFAULT
	ERRNAME(EFAULT),
#endif
#ifdef EBUSY
	ERRNAME(EBUSY),
#endif
#ifdef EEXIST
	ERRNAME(EEXIST),
#endif
#ifdef ENODEV
	ERRNAME(ENODEV),
#endif
#ifdef ENOTDIR
	ERRNAME(ENOTDIR),
#endif
#ifdef EISDIR
	ERRNAME(EISDIR),
#endif
#ifdef EINVAL
	ERRNAME(EINVAL),
#endif
#ifdef EMFILE
	ERRNAME(EMFILE),
#endif
#ifdef ENOTTY
	ERRNAME(ENOTTY),
#endif
#ifdef EFBIG
	ERRNAME(EFBIG),
#endif
#ifdef ENOSPC
	ERRNAME(ENOSPC),
#endif
#ifdef ESPIPE
	ERRNAME(ESPIPE),
#endif
#ifdef EROFS
	ERRNAME(EROFS),
#endif
#ifdef EMLINK
	ERRNAME(EMLINK),
#endif
#ifdef EPIPE
	ERRNAME(EPIPE),
#endif
	ERRNAME(EDOM),
	ERRNAME(ERANGE),
#ifdef ENAMETOOLONG
	ERRNAME(ENAMETOOLONG),
#endif
#ifdef ENOSYS
	ERRNAME(ENOSYS),
#endif
#ifdef ENOTEMPTY
	ERRNAME(ENOTEMPTY),
#endif
#ifdef ENODATA
	ERRNAME(ENODATA),
#endif
#ifdef EOVERFLOW
	ERRNAME(EOVERFLOW),
#endif
#ifdef EOPNOTSUPP
	ERRNAME(EOPNOTSUPP),
#endif
#ifdef ENOTSUP
	ERRNAME(ENOTSUP),
#endif
#ifdef ETIMEDOUT
	ERRNAME(ETIMEDOUT),
#endif
#ifdef EALREADY
	ERRNAME(EALREADY),
#endif
#ifdef ECANCELED
	ERRNAME(ECANCELED),
#endif
};

const char *kaff_strerrorname(int err)
{
	size_t i;

	if (err < 0) {
		if (err == INT_MIN)
			return "E?";
		err = -err;
	}
	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	return "E?";
}

const char *kaff_version_string(void)
{
	return KAFF_VERSION;
}
