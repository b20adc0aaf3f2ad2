// SPDX-License-Identifier: MIT
#include "padded_sites.h"

#include "altpv/op_ids.h"
#include "altpv/site.h"

// clang-format off

// ALTPV_SITE_END plus a probe: the original is assembled a second time, out
// of line, only to measure it.
#define PROBED_SITE_END(op, original)                                      \
  "9901:\n" ALTPV_SITE_END(op, original)                                   \
  ".pushsection altpv_test_probes, \"a\"\n"                                \
  ".balign 4\n.long 9901b - .\n.long 9903f - 9902f\n.popsection\n"         \
  ".pushsection altpv_test_originals, \"a\"\n9902:\n" original "\n9903:\n" \
  ".popsection\n"

extern "C" {
extern const altpv::testing::PaddingProbe __start_altpv_test_probes[];
extern const altpv::testing::PaddingProbe __stop_altpv_test_probes[];
}

// Never executed: these sites exist to be read. Padding of 9, 62 (several
// NOPs), 5 (after a red-zone call), 1, 0 and 11 bytes.
asm(".pushsection .text\n"
    ALTPV_SITE_BEGIN
    ALTPV_ALT(ALTPV_FEATURE_RDPID, "movabs $0x1122334455667788, %rax")
    PROBED_SITE_END(ALTPV_OP_NONE, "ret")

    ALTPV_SITE_BEGIN
    ALTPV_ALT(ALTPV_FEATURE_PV, ".fill 64, 1, 0x90")
    PROBED_SITE_END(ALTPV_OP_NONE, "xor %eax, %eax")

    ALTPV_SITE_BEGIN
    ALTPV_ALT_CALL(ALTPV_FEATURE_PV)
    PROBED_SITE_END(ALTPV_OP_USER_BASE, "mov $1, %eax")

    ALTPV_SITE_BEGIN
    ALTPV_ALT(ALTPV_FEATURE_SERIALIZE, ".byte 0x0f, 0x01, 0xe8")
    PROBED_SITE_END(ALTPV_OP_NONE, "cpuid")

    ALTPV_SITE_BEGIN
    ALTPV_ALT(ALTPV_FEATURE_PV, "nop")
    PROBED_SITE_END(ALTPV_OP_NONE, "movabs $1, %rax")

    ALTPV_SITE_BEGIN
    ALTPV_ALT(ALTPV_NOT(ALTPV_FEATURE_PV), ".fill 12, 1, 0xcc")
    PROBED_SITE_END(ALTPV_OP_NONE, "ret")
    ".popsection\n");

// clang-format on

namespace altpv::testing {

std::span<const PaddingProbe> padding_probes() {
  return {__start_altpv_test_probes, __stop_altpv_test_probes};
}

}  // namespace altpv::testing
