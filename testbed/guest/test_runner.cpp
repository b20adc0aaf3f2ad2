// SPDX-License-Identifier: MIT
#include "test_runner.h"

#include "console.h"
#include "expect.h"
#include "glob.h"
#include "panic.h"
#include "platform.h"
#include "test_registry.h"

namespace altpv::guest {
namespace {

struct RunningTest {
  const TestCase* test;
  bool failed;
  bool skipped;
  char message[256];  // the first failure, or the skip reason
  std::size_t message_len;
};

constinit RunningTest running = {};

void set_message(std::string_view text) {
  altpv::TextBuffer out(running.message, sizeof running.message);
  out.str(text);
  running.message_len = out.length();
}

// Calls `fn(pattern)` for each comma-separated glob.
template <typename Fn>
void for_each_pattern(std::string_view patterns, Fn fn) {
  for (;;) {
    const std::size_t comma = patterns.find(',');
    fn(patterns.substr(0, comma));
    if (comma == std::string_view::npos) return;
    patterns.remove_prefix(comma + 1);
  }
}

bool selected_by(const TestCase& test, std::string_view pattern) {
  return test.by_name_only ? pattern == test.name : glob_match(pattern, test.name);
}

bool selected(const TestCase& test, std::string_view patterns) {
  bool match = false;
  for_each_pattern(patterns, [&](std::string_view p) { match = match || selected_by(test, p); });
  return match;
}

// A glob that selects nothing is a typo or a test that is not linked in:
// fail it as a test of its own rather than quietly run less.
bool check_patterns(std::string_view patterns) {
  bool ok = true;
  for_each_pattern(patterns, [&](std::string_view pattern) {
    for (const TestCase& t : registered_tests()) {
      if (selected_by(t, pattern)) return;
    }
    char name[128];
    altpv::TextBuffer n(name, sizeof name);
    n.str("run=").str(pattern);
    char buf[256];
    altpv::TextBuffer msg(buf, sizeof buf);
    msg.str("no test case is selected by '")
        .str(pattern)
        .str("' (the guest's `list` shows them; some run only when named exactly)");
    Line().out().str("guest: ").str(n.view()).str(": ").str(msg.view());
    report_test_begin(n.view());
    report_test_end(TestVerdict::Fail, msg.view());
    ok = false;
  });
  return ok;
}

bool run_one(const TestCase& test) {
  running = {};
  running.test = &test;
  report_test_begin(test.name);
  if (const std::string_view why = missing(test.needs); !why.empty()) {
    skip_test(why);
  } else {
    test.run();
  }
  const std::string_view message{running.message, running.message_len};
  if (running.failed) {
    report_test_end(TestVerdict::Fail, message);
  } else if (running.skipped) {
    report_test_end(TestVerdict::Skip, message);
  } else {
    report_test_end(TestVerdict::Pass, message);
  }
  running.test = nullptr;
  return !running.failed;
}

}  // namespace

void record_failure(std::string_view message) {
  if (running.test == nullptr) panic(message);
  Line().out().str("guest: ").str(running.test->name).str(": FAIL ").str(message);
  if (!running.failed) set_message(message);
  running.failed = true;
}

void skip_test(std::string_view reason) {
  if (running.test == nullptr) panic(reason);
  if (!running.failed) set_message(reason);
  running.skipped = true;
}

void run_tests(const Cmdline& cmdline) {
  if (cmdline.has_flag("list")) {
    for (const TestCase& t : registered_tests()) JsonLine("test_case").out().str("name", t.name);
    exit_guest(0);
  }
  const Cmdline::Value run = cmdline.value("run");
  const std::string_view patterns = run.found ? run.value : "*";
  bool ok = check_patterns(patterns);
  if (ok) {
    for (const TestCase& t : registered_tests()) {
      if (selected(t, patterns)) ok = run_one(t) && ok;
    }
  }
  exit_guest(ok ? 0 : 1);
}

}  // namespace altpv::guest
