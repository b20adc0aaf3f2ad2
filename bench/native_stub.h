// SPDX-License-Identifier: MIT
// Strategy 6's backend: the paravirtual side of altpv, where a site that
// keeps its native instruction's register ABI is patched into a call to a
// native-ABI stub (native_abi.h) that runs a C++ handler.
#pragma once

#include "altpv/backend.h"
#include "altpv/op_ids.h"

// The benchmark's own op ids, for its pv call sites.
#define ALTPV_BENCH_OP_CPU_NUMBER (ALTPV_OP_USER_BASE + 0)
#define ALTPV_BENCH_OP_FS_BASE (ALTPV_OP_USER_BASE + 1)
// The same ops through stubs that skip XSAVE (general-registers-only handlers).
#define ALTPV_BENCH_OP_CPU_NUMBER_GPR (ALTPV_OP_USER_BASE + 2)
#define ALTPV_BENCH_OP_FS_BASE_GPR (ALTPV_OP_USER_BASE + 3)

namespace altpv::bench {

// Supplies the hosted-shape stubs for the ops above, nothing else.
const Backend& native_stub_backend();

}  // namespace altpv::bench
