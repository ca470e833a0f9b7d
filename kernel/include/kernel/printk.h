/* Kernel log: serial console plus a ring buffer readable through the Console cap. */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <kernel/types.h>

enum log_level { LOG_ERR = 1, LOG_WARN, LOG_INFO, LOG_DEBUG };

extern int log_level;

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void printk_level(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vprintk(const char *fmt, va_list ap);
int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap);
void log_write(const char *s, size_t n);
/* Copies log bytes from absolute offset off; returns bytes copied, *next = next offset. */
size_t log_read(uint64_t off, char *buf, size_t n, uint64_t *next);
__attribute__((noreturn)) void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define pr_err(...)	printk_level(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)	printk_level(LOG_WARN, __VA_ARGS__)
#define pr_info(...)	printk_level(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)	printk_level(LOG_DEBUG, __VA_ARGS__)

#endif
