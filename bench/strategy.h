// SPDX-License-Identifier: MIT
// A dispatch strategy: one way of reaching an op from its call site. Each
// strategy lives in its own translation unit (strategy_*.cpp), which
// instantiates the benchmark loop with the op inlined at the call site.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>

namespace altpv::bench {

using OpFunction = std::uint64_t (*)();
using BenchFunction = void (*)(benchmark::State&);

// One op through one strategy: `once` runs the op a single time (for the
// correctness checks before timing), `loop` is the timed benchmark.
struct OpEntry {
  OpFunction once;
  BenchFunction loop;
};

struct Strategy {
  const char* name;         // key in the table and the JSON output
  const char* description;  // one line for the table
  OpEntry cpu_number;       // RDPID
  OpEntry fs_base;          // RDFSBASE
};

// In the order they are reported; the first is the reference of every ratio.
extern const Strategy kInlineAsm;
extern const Strategy kAltpvInline;
extern const Strategy kFunctionPointer;
extern const Strategy kIfuncPlt;
extern const Strategy kPvOps;
extern const Strategy kNativeStub;
extern const Strategy kNativeStubGpr;
extern const Strategy kLeanStubGpr;
extern const Strategy kPreservingStubGpr;
extern const Strategy kLeanStubXsave;
extern const Strategy kLeanStubXsaveopt;
extern const Strategy kLeanStubXsavec;
extern const Strategy kLeanStubZmm;

// `Op` must be an always_inline function with internal linkage in the
// strategy's translation unit, so that each instantiation is compiled with
// that unit's flags and the call site lands in the loop itself (GCC would
// otherwise keep an op holding a large site asm out of line; see
// altpv/cpu_ops.h).
template <OpFunction Op>
void op_loop(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Op());
}

template <OpFunction Op>
std::uint64_t op_once() {
  return Op();
}

template <OpFunction Op>
constexpr OpEntry op_entry() {
  return OpEntry{&op_once<Op>, &op_loop<Op>};
}

}  // namespace altpv::bench
