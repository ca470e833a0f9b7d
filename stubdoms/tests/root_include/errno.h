/*
 * The error numbers libos's xenbus client returns, for the freestanding
 * test root task (Newlib's values, so that they mean the same in the
 * stub domains).
 */
#ifndef ROOT_ERRNO_H
#define ROOT_ERRNO_H

#define EPERM		1
#define ENOENT		2
#define EIO		5
#define E2BIG		7
#define EAGAIN		11
#define ENOMEM		12
#define EACCES		13
#define EBUSY		16
#define EEXIST		17
#define EISDIR		21
#define EINVAL		22
#define ENOSPC		28
#define EROFS		30
#define ENOSYS		88
#define ENOTEMPTY	90
#define EISCONN		127
#define ETIMEDOUT	116
#define EDQUOT		132

#endif
