/* TAP output of the host unit tests. */
#ifndef STUBDOMS_UNIT_CHECK_H
#define STUBDOMS_UNIT_CHECK_H

/* Prints "ok N - ..." or "not ok N - ...". */
void check(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the plan; returns the exit status (1 if a check failed). */
int check_done(void);

#endif
