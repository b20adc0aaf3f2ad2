// SPDX-License-Identifier: MIT
// What the guest has told the VMM about its own tests and verdict, and how the
// run ended. Shared by all vCPUs; the first ending wins.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace altpv::vmm {

enum class TestStatus { Running, Pass, Fail, Skip };

struct TestRecord {
  std::string name;
  TestStatus status;
  std::string message;
  std::uint32_t vcpu;
};

enum class EndKind {
  GuestExit,  // Exit hypercall
  Crash,      // fatal guest behaviour; `report` says what
  Limit,      // the guest reached one of the VMM's limits (guest_limits.h)
  Timeout,
  VmmError,  // a KVM call failed
};

struct RunEnd {
  EndKind kind;
  std::int64_t guest_code = 0;  // GuestExit only
  std::string reason;           // one line, e.g. "triple fault (KVM_EXIT_SHUTDOWN)"
  std::string report;           // registers and bytes at rip, for Crash
};

class RunState {
 public:
  explicit RunState(bool quiet) : quiet_(quiet) {}

  // False when the guest has begun limits::kTests tests already: nothing is
  // recorded, and the caller ends the run.
  bool test_begin(std::uint32_t vcpu, std::string name);
  // False when the vCPU has no test running (BadState).
  bool test_end(std::uint32_t vcpu, TestStatus status, std::string message);

  // Records the end if none is recorded yet; returns whether this one won.
  bool record_end(RunEnd end);
  // Waits until record_end() or `deadline`; returns whether the run ended.
  template <typename Clock, typename Duration>
  bool wait_for_end(const std::chrono::time_point<Clock, Duration>& deadline) {
    std::unique_lock lock(mutex_);
    return ended_.wait_until(lock, deadline, [&] { return end_.has_value(); });
  }
  bool ended() const;

  std::optional<RunEnd> end() const;
  std::vector<TestRecord> tests() const;
  bool any_test_failed() const;
  // One line for each of `names` that did not begin and pass (every time it
  // began); empty when all did.
  std::vector<std::string> unmet_requirements(std::span<const std::string> names) const;

 private:
  bool quiet_;
  mutable std::mutex mutex_;
  std::condition_variable ended_;
  std::vector<TestRecord> tests_;
  std::optional<RunEnd> end_;
};

const char* test_status_name(TestStatus status);
const char* end_kind_name(EndKind kind);

}  // namespace altpv::vmm
