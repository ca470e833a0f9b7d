/* TAP lines from a Newlib stub domain's tests (printed on its console). */
#ifndef STUBDOM_TAP_H
#define STUBDOM_TAP_H

/* Prints "ok N - name" or "not ok N - name"; returns cond. */
int tap_check(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the summary; returns the number of failed checks (the exit status). */
int tap_done(const char *program);

#endif
