// SPDX-License-Identifier: MIT
#include "run_state.h"

#include <algorithm>

#include <fmt/format.h>

#include "guest_limits.h"
#include "guest_text.h"

namespace altpv::vmm {

const char* test_status_name(TestStatus status) {
  switch (status) {
    case TestStatus::Running:
      return "running";
    case TestStatus::Pass:
      return "pass";
    case TestStatus::Fail:
      return "fail";
    case TestStatus::Skip:
      break;
  }
  return "skip";
}

const char* end_kind_name(EndKind kind) {
  switch (kind) {
    case EndKind::GuestExit:
      return "guest-exit";
    case EndKind::Crash:
      return "crash";
    case EndKind::Limit:
      return "limit";
    case EndKind::Timeout:
      return "timeout";
    case EndKind::VmmError:
      break;
  }
  return "vmm-error";
}

bool RunState::test_begin(std::uint32_t vcpu, std::string name) {
  std::lock_guard lock(mutex_);
  if (tests_.size() >= limits::kTests) return false;
  // A test still running on this vCPU never reported: that is a failure.
  for (TestRecord& t : tests_) {
    if (t.vcpu == vcpu && t.status == TestStatus::Running) {
      t.status = TestStatus::Fail;
      t.message = "began another test without reporting a result";
    }
  }
  tests_.push_back({std::move(name), TestStatus::Running, "", vcpu});
  return true;
}

bool RunState::test_end(std::uint32_t vcpu, TestStatus status, std::string message) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(tests_.rbegin(), tests_.rend(), [&](const TestRecord& t) {
    return t.vcpu == vcpu && t.status == TestStatus::Running;
  });
  if (it == tests_.rend()) return false;
  it->status = status;
  it->message = std::move(message);
  if (!quiet_ || status == TestStatus::Fail) {
    fmt::print(stderr, "altpv-vmm: test {}: {}{}{}\n", printable(it->name),
               test_status_name(status), it->message.empty() ? "" : ": ", printable(it->message));
  }
  return true;
}

bool RunState::record_end(RunEnd end) {
  {
    std::lock_guard lock(mutex_);
    if (end_) return false;
    end_ = std::move(end);
  }
  ended_.notify_all();
  return true;
}

bool RunState::ended() const {
  std::lock_guard lock(mutex_);
  return end_.has_value();
}

std::optional<RunEnd> RunState::end() const {
  std::lock_guard lock(mutex_);
  return end_;
}

std::vector<TestRecord> RunState::tests() const {
  std::lock_guard lock(mutex_);
  return tests_;
}

bool RunState::any_test_failed() const {
  std::lock_guard lock(mutex_);
  return std::any_of(tests_.begin(), tests_.end(), [](const TestRecord& t) {
    return t.status == TestStatus::Fail || t.status == TestStatus::Running;
  });
}

std::vector<std::string> RunState::unmet_requirements(std::span<const std::string> names) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> unmet;
  if (!names.empty() && tests_.empty()) unmet.emplace_back("no test began");
  for (const std::string& name : names) {
    bool began = false;
    for (const TestRecord& t : tests_) {
      if (t.name != name) continue;
      began = true;
      if (t.status == TestStatus::Pass) continue;
      if (t.status == TestStatus::Running) {
        unmet.push_back(fmt::format("test {} began but never finished", printable(name)));
      } else {
        unmet.push_back(fmt::format("test {} did not pass: {}{}{}", printable(name),
                                    test_status_name(t.status), t.message.empty() ? "" : ": ",
                                    printable(t.message)));
      }
    }
    if (!began) unmet.push_back(fmt::format("test {} never began", printable(name)));
  }
  return unmet;
}

}  // namespace altpv::vmm
