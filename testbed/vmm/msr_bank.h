// SPDX-License-Identifier: MIT
// The MSRs the VMM emulates in user space, their architectural checks, and
// the write log. Shared by all vCPUs; every access is serialised here.
//
//   0x40000100..0x40000107  synthetic: plain 64-bit storage, VM-wide, reset 0
//   0x277  IA32_PAT             per vCPU; #GP unless every byte is 0,1,4,5,6,7
//   0xC0000102 KERNEL_GS_BASE   per vCPU; #GP unless canonical (48-bit)
//   0xC0000103 IA32_TSC_AUX     per vCPU; #GP if bits 63:32 are set
//
// The architectural ones live in the vCPU itself (ArchMsrs): the bank checks
// and logs, then writes through, so SWAPGS/RDTSCP/RDPID see the value.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>

#include "msr_log.h"

namespace altpv::vmm {

inline constexpr std::uint32_t kMsrSyntheticBase = 0x40000100;
inline constexpr std::uint32_t kMsrSyntheticCount = 8;
inline constexpr std::uint32_t kMsrPat = 0x277;
inline constexpr std::uint32_t kMsrKernelGsBase = 0xc0000102;
inline constexpr std::uint32_t kMsrTscAux = 0xc0000103;

// A vCPU's real copy of the architectural MSRs in the bank.
class ArchMsrs {
 public:
  virtual std::uint64_t get(std::uint32_t msr) = 0;
  virtual void set(std::uint32_t msr, std::uint64_t value) = 0;

 protected:
  ~ArchMsrs() = default;
};

class MsrBank {
 public:
  explicit MsrBank(MsrLog log);

  static bool emulates(std::uint32_t msr);
  static bool is_architectural(std::uint32_t msr);
  // Every emulated index, for the KVM MSR filter and the final report.
  static std::span<const std::uint32_t> indices();
  // Whether `value` may be written to `msr` without #GP.
  static bool valid_value(std::uint32_t msr, std::uint64_t value);

  // nullopt means the access must raise #GP (not emulated / invalid value).
  std::optional<std::uint64_t> read(std::uint32_t vcpu, std::uint32_t msr, ArchMsrs& arch,
                                    MsrPath path);
  bool write(std::uint32_t vcpu, std::uint32_t msr, std::uint64_t value, ArchMsrs& arch,
             MsrPath path);

  // Current value of every emulated MSR, architectural ones as `arch` holds them.
  std::map<std::uint32_t, std::uint64_t> snapshot(ArchMsrs& arch);

  // True once the log holds limits::kMsrLogLines lines: later accesses are
  // not logged, and the run must end, since a log with a gap would mislead.
  bool log_full() const;
  // True if the log could not be written.
  bool log_failed() const;

 private:
  mutable std::mutex mutex_;
  std::uint64_t synthetic_[kMsrSyntheticCount] = {};
  std::uint64_t seq_ = 0;  // accesses served, logged or not
  MsrLog log_;
};

}  // namespace altpv::vmm
