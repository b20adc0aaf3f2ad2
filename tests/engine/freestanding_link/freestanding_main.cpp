// SPDX-License-Identifier: MIT
// A -nostdlib, static program that patches its own sites the way a kernel
// does at boot (text is writable: linked with -N) and runs them, then
// switches a key through the live protocol with the hooks a kernel would
// supply. It exits 0 only if every plan, write and result is as expected.
#include <cstddef>
#include <cstdint>
#include <span>

#include "altpv/engine/report.h"
#include "altpv/engine/text_buffer.h"
#include "altpv/key.h"
#include "altpv/linked_site_table.h"
#include "altpv/op_ids.h"
#include "altpv/patcher.h"
#include "altpv/site.h"

extern "C" {
// The default linker script's text bounds.
extern const char __executable_start[];
extern const char etext[];

int freestanding_main();
void freestanding_stub();
void freestanding_callee();
// Executable memory for out-of-line copies (text is writable here).
extern std::uint8_t freestanding_code_arena[];
}

#define OP_TEST (ALTPV_OP_USER_BASE + 7)

// Entry: no C runtime. The exit status is freestanding_main()'s result.
// The stub is the freestanding call shape: plain `call`, plain `ret`.
asm(R"(
  .text
  .globl _start
_start:
  xor %ebp, %ebp
  and $-16, %rsp
  call freestanding_main
  mov %eax, %edi
  mov $60, %eax
  syscall
  ud2

  .globl freestanding_stub
freestanding_stub:
  mov $3, %eax
  ret

  .globl freestanding_callee
freestanding_callee:
  mov $4, %eax
  ret
  .globl freestanding_code_arena
freestanding_code_arena:
  .fill 256, 1, 0xcc
)");

namespace {

void write_stderr(const char* s, std::size_t n) {
  long ret;
  asm volatile("syscall" : "=a"(ret) : "a"(1), "D"(2), "S"(s), "d"(n) : "rcx", "r11", "memory");
}

void say(const char* s, std::size_t n) {
  write_stderr(s, n);
  write_stderr("\n", 1);
}

template <std::size_t N>
void say(const char (&s)[N]) {
  say(s, N - 1);
}

[[gnu::noinline]] unsigned site_value() {
  unsigned v;
  // clang-format off
  asm volatile(ALTPV_SITE_BEGIN
               ALTPV_ALT_CALL(ALTPV_FEATURE_PV)
               ALTPV_ALT(ALTPV_FEATURE_SERIALIZE, "mov $2, %%eax")
               ALTPV_SITE_END(OP_TEST, "mov $1, %%eax")
               : "=a"(v)
               :
               : "cc", "memory");
  // clang-format on
  return v;
}

// The alternative calls rel32 out of altpv_repl: it works only relocated.
[[gnu::noinline]] unsigned relocated_value() {
  unsigned v;
  // clang-format off
  asm volatile(ALTPV_SITE_BEGIN
               ALTPV_ALT(ALTPV_FEATURE_RDPID, "call freestanding_callee")
               ALTPV_SITE_END(ALTPV_OP_NONE, "mov $1, %%eax")
               : "=a"(v)
               :
               : "cc", "memory");
  // clang-format on
  return v;
}

class StubBackend final : public altpv::Backend {
 public:
  const void* stub(std::uint16_t op, std::uint32_t, bool, altpv::AltKind kind) const override {
    if (op != OP_TEST || kind != altpv::AltKind::Call) return nullptr;
    return reinterpret_cast<const void*>(&freestanding_stub);
  }
  const char* name() const override { return "freestanding"; }
};

// Prints every decision: the report works without a C library too.
class Printer final : public altpv::DecisionObserver {
 public:
  void on_decision(const altpv::Decision& d) override {
    char line[256];
    say(line, altpv::format_decision(d, nullptr, line, sizeof line));
  }
};

altpv::Key g_key;

[[gnu::noinline]] unsigned key_value() {
  unsigned v;
  asm volatile(ALTPV_KEY_SITE(ALTPV_KEY_REF, "mov $5, %%eax", "mov $4, %%eax")
               : "=a"(v)
               : ALTPV_KEY_OPERAND(g_key));
  return v;
}

// What a kernel supplies for live patching, for one CPU: plain stores into
// writable text, a serialising instruction, a static code arena, and no trap
// to route (no other CPU can meet the int3).
class OneCpuLiveWriter final : public altpv::LiveTextWriter {
 public:
  bool write(std::uintptr_t address, const std::uint8_t* bytes, std::size_t len) override {
    return boot_.write(address, bytes, len);
  }
  void sync() override { boot_.sync(); }
  std::uintptr_t allocate_code(std::size_t size, std::uintptr_t) override {
    if (used_ + size > 256) return 0;
    used_ += size;
    return reinterpret_cast<std::uintptr_t>(freestanding_code_arena + used_ - size);
  }
  bool route_traps() override { return true; }
  const char* error() const override { return "no code memory left"; }

 private:
  altpv::BootTextWriter boot_;
  std::size_t used_ = 0;
};

class OneCpuKeySites final : public altpv::KeySites {
 public:
  using KeySites::KeySites;
};

// The key's one site follows enable() and disable().
int switch_a_key(std::uintptr_t text_begin, std::uintptr_t text_end) {
  OneCpuLiveWriter writer;
  altpv::KeySiteSlot slots[1];
  OneCpuKeySites sites(altpv::linked_key_table(text_begin, text_end), slots, writer);
  int failures = 0;
  if (sites.attach().sites != 1 || key_value() != 4) ++failures;
  if (!g_key.enable().ok || key_value() != 5) ++failures;
  if (!g_key.disable().ok || key_value() != 4) ++failures;
  if (failures == 0) {
    say("ok: key switched on and off");
  } else {
    say("FAIL: key switch");
  }
  return failures;
}

}  // namespace

int freestanding_main() {
  const altpv::SiteTable table =
      altpv::linked_site_table(reinterpret_cast<std::uintptr_t>(__executable_start),
                               reinterpret_cast<std::uintptr_t>(etext));

  std::uint32_t scratch[4];
  altpv::BootTextWriter writer;
  const StubBackend backend;
  Printer printer;
  int failures = 0;
  char buf[128];

  if (table.size() != 2 || site_value() != 1 || relocated_value() != 1) ++failures;
  if (!altpv::apply(table, {}, &backend, writer, std::span(scratch, 0)).table_rejected) ++failures;

  using altpv::Feature;
  const struct {
    altpv::FeatureSet features;
    unsigned expected;
  } steps[] = {
      {altpv::FeatureSet{}.set(Feature::Pv), 3},
      {altpv::FeatureSet{}.set(Feature::Serialize), 2},
      {altpv::FeatureSet{}.set(Feature::Pv).set(Feature::Serialize), 3},
      {altpv::FeatureSet{}.set(Feature::Rdpid), 1},
      {altpv::FeatureSet{}, 1},
  };
  for (const auto& step : steps) {
    const altpv::ApplyStats stats =
        altpv::apply(table, step.features, &backend, writer, scratch, &printer);
    const unsigned got = site_value();
    const unsigned relocated = relocated_value();
    const unsigned relocated_expected = step.features.has(Feature::Rdpid) ? 4 : 1;
    const bool ok = !stats.table_rejected && stats.refused == 0 && got == step.expected &&
                    relocated == relocated_expected;
    altpv::TextBuffer line(buf, sizeof buf);
    line.str(ok ? "ok: " : "FAIL: ");
    char names[64];
    altpv::format_features(step.features, names, sizeof names);
    line.str("features [")
        .str(names)
        .str("] site returned ")
        .dec(got)
        .str(", expected ")
        .dec(step.expected)
        .str("; relocated call returned ")
        .dec(relocated)
        .str(", expected ")
        .dec(relocated_expected);
    say(buf, line.length());
    if (!ok) ++failures;
  }
  failures += switch_a_key(reinterpret_cast<std::uintptr_t>(__executable_start),
                           reinterpret_cast<std::uintptr_t>(etext));
  return failures;
}
