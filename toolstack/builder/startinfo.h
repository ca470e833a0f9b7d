/* Start-of-day structures a guest finds at boot, with the byte layouts of
 * Xen's public headers (arch-x86/hvm/start_info.h and xen.h), written
 * field by field in little-endian order so the host's struct layout does
 * not matter. */
#ifndef TS_STARTINFO_H
#define TS_STARTINFO_H
#include <stddef.h>
#include <stdint.h>

#include "../decompress/bytes.h"

/* PVH: struct hvm_start_info, version 1 */
#define HVM_START_MAGIC 0x336ec578u
#define HVM_START_INFO_SIZE 56
#define HVM_MODLIST_ENTRY_SIZE 32
#define HVM_MEMMAP_ENTRY_SIZE 24
#define HVM_OFF_MAGIC 0
#define HVM_OFF_VERSION 4
#define HVM_OFF_FLAGS 8
#define HVM_OFF_NR_MODULES 12
#define HVM_OFF_MODLIST 16
#define HVM_OFF_CMDLINE 24
#define HVM_OFF_RSDP 32
#define HVM_OFF_MEMMAP 40
#define HVM_OFF_MEMMAP_ENTRIES 48

#define E820_RAM 1
#define E820_RESERVED 2

/* PV: struct start_info for x86-64 guests */
#define PV_START_INFO_SIZE 1168
#define PV_MAX_CMDLINE 1024
#define PV_OFF_MAGIC 0           /* char[32] "xen-3.0-x86_64" */
#define PV_OFF_NR_PAGES 32
#define PV_OFF_SHARED_INFO 40
#define PV_OFF_FLAGS 48
#define PV_OFF_STORE_MFN 56
#define PV_OFF_STORE_EVTCHN 64
#define PV_OFF_CONSOLE_MFN 72
#define PV_OFF_CONSOLE_EVTCHN 80
#define PV_OFF_PT_BASE 88
#define PV_OFF_NR_PT_FRAMES 96
#define PV_OFF_MFN_LIST 104
#define PV_OFF_MOD_START 112
#define PV_OFF_MOD_LEN 120
#define PV_OFF_CMD_LINE 128
#define PV_OFF_FIRST_P2M_PFN 1152
#define PV_OFF_NR_P2M_FRAMES 1160
#define SIF_MOD_START_PFN (1u << 3)

#endif
