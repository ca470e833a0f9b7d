#include "pvpt.h"

#include <stdbool.h>

#include "startinfo.h"

#define PAGE 4096ull

static uint64_t span(uint64_t virt, uint64_t size, unsigned shift)
{
    return ((virt + size - 1) >> shift) - (virt >> shift) + 1;
}

uint64_t pv_pt_frames(uint64_t virt, uint64_t size)
{
    return 1 + span(virt, size, 39) + span(virt, size, 30) + span(virt, size, 21);
}

void pv_pt_build(uint8_t *buf, uint64_t virt, uint64_t size, uint64_t pt_pfn)
{
    uint64_t n3 = span(virt, size, 39), n2 = span(virt, size, 30),
             n1 = span(virt, size, 21);
    uint64_t l3_first = 1, l2_first = l3_first + n3, l1_first = l2_first + n2;
    uint64_t npt = l1_first + n1;
    uint64_t pages = (size + PAGE - 1) / PAGE;

    for (uint64_t pfn = 0; pfn < pages; pfn++) {
        uint64_t va = virt + pfn * PAGE;
        /* which table of each level, counted from the first one used */
        uint64_t t3 = (va >> 39) - (virt >> 39), t2 = (va >> 30) - (virt >> 30),
                 t1 = (va >> 21) - (virt >> 21);
        uint8_t *l4 = buf;
        uint8_t *l3 = buf + (l3_first + t3) * PAGE;
        uint8_t *l2 = buf + (l2_first + t2) * PAGE;
        uint8_t *l1 = buf + (l1_first + t1) * PAGE;
        put_le(l4 + ((va >> 39) & 511) * 8, (pt_pfn + l3_first + t3) << 12 | PV_PTE_FLAGS, 8);
        put_le(l3 + ((va >> 30) & 511) * 8, (pt_pfn + l2_first + t2) << 12 | PV_PTE_FLAGS, 8);
        put_le(l2 + ((va >> 21) & 511) * 8, (pt_pfn + l1_first + t1) << 12 | PV_PTE_FLAGS, 8);
        bool table = pfn >= pt_pfn && pfn < pt_pfn + npt;
        put_le(l1 + ((va >> 12) & 511) * 8,
               pfn << 12 | (table ? PV_PTE_FLAGS_RO : PV_PTE_FLAGS), 8);
    }
}
