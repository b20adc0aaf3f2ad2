// SPDX-License-Identifier: MIT
// Named feature bits and the set the engine selects alternatives against.
// Freestanding: no allocation, no exceptions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "altpv/feature_bits.h"

namespace altpv {

// Typed names for the numbers in feature_bits.h (which asm needs as macros).
enum class Feature : std::uint8_t {
  Wrmsrns = ALTPV_FEATURE_WRMSRNS,
  MsrImm = ALTPV_FEATURE_MSR_IMM,
  Serialize = ALTPV_FEATURE_SERIALIZE,
  Rdpid = ALTPV_FEATURE_RDPID,
  Fsgsbase = ALTPV_FEATURE_FSGSBASE,
  Hypervisor = ALTPV_FEATURE_HYPERVISOR,
  Rdtscp = ALTPV_FEATURE_RDTSCP,
  Pv = ALTPV_FEATURE_PV,
};

// Where a CPUID-derived feature lives: CPUID.(leaf, subleaf):reg[bit].
enum class CpuidReg : std::uint8_t { Eax, Ebx, Ecx, Edx };
struct CpuidBit {
  Feature feature;
  std::uint32_t leaf, subleaf;
  CpuidReg reg;
  std::uint8_t bit;
};

// Register `reg` of anything with eax..edx members (CpuidResult, a
// hypervisor's CPUID table entry), as a reference so it can be set too.
template <typename Registers>
constexpr auto& cpuid_reg(Registers& r, CpuidReg reg) {
  switch (reg) {
    case CpuidReg::Eax:
      return r.eax;
    case CpuidReg::Ebx:
      return r.ebx;
    case CpuidReg::Ecx:
      return r.ecx;
    case CpuidReg::Edx:
      break;
  }
  return r.edx;
}

// One entry per CPUID-derived feature; detection and the testbed's CPU
// models both read it, so the bit positions are written once.
std::span<const CpuidBit> cpuid_bits();

// The lower-case name used in override strings and reports ("wrmsrns"), or
// nullptr for a number that names no feature.
const char* feature_name(unsigned bit);

// True for bits that software sets (PV); false for CPUID-derived ones.
bool feature_is_synthetic(unsigned bit);

class FeatureSet {
 public:
  constexpr FeatureSet() = default;
  constexpr explicit FeatureSet(std::uint64_t bits) : bits_(bits) {}

  constexpr bool has(Feature f) const { return has_bit(static_cast<unsigned>(f)); }
  constexpr bool has_bit(unsigned bit) const {
    return bit < ALTPV_FEATURE_COUNT && ((bits_ >> bit) & 1) != 0;
  }
  constexpr FeatureSet& set(Feature f, bool on = true) {
    const std::uint64_t mask = std::uint64_t{1} << static_cast<unsigned>(f);
    bits_ = on ? (bits_ | mask) : (bits_ & ~mask);
    return *this;
  }
  constexpr std::uint64_t bits() const { return bits_; }
  constexpr bool operator==(const FeatureSet&) const = default;

 private:
  std::uint64_t bits_ = 0;
};

// Features of the CPU this code runs on, from CPUID (works in ring 0 and 3).
FeatureSet detect_cpu_features();

// The same decoding over another CPUID source: a hypervisor's published CPU
// model (the testbed guest), or a table in a test.
struct CpuidResult {
  std::uint32_t eax, ebx, ecx, edx;
};
using CpuidFunction = CpuidResult (*)(std::uint32_t leaf, std::uint32_t subleaf);
FeatureSet detect_cpu_features(CpuidFunction cpuid);

// The CPUID instruction itself.
CpuidResult cpuid_instruction(std::uint32_t leaf, std::uint32_t subleaf);

// An override string, like Linux clearcpuid=: comma-separated "+name" (force
// on) and "-name" (clear). "name" alone means "+name". Whitespace is ignored.
// Every item is read, so that an error can name all the unknown ones.
struct OverrideResult {
  bool ok = false;
  FeatureSet features;
  std::uint64_t forced = 0;   // bits the string turned on
  std::uint64_t cleared = 0;  // bits the string turned off
  // On failure: the first offending item, pointing into the input string,
  // and how many items were unknown.
  std::string_view bad_item;
  std::size_t unknown_items = 0;
};

OverrideResult apply_overrides(FeatureSet base, std::string_view overrides);

// Writes the error for an override string that apply_overrides() refused:
// every unknown item, then the valid names, e.g.
//   unknown features 'foo', '-bar' (valid: wrmsrns, msr_imm, ...)
// Returns the length written (truncated as format_features does).
std::size_t format_override_error(std::string_view overrides, char* buf, std::size_t size);

// Writes "wrmsrns,serialize,..." (the set bits) into buf; returns the length
// written, truncated to size-1, always NUL-terminated when size > 0.
std::size_t format_features(FeatureSet set, char* buf, std::size_t size);

}  // namespace altpv
