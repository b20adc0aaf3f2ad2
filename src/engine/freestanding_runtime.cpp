// SPDX-License-Identifier: MIT
// The one C++ runtime hook the engine's interfaces need when no libsupc++ is
// linked: a call through a pure virtual slot. It cannot happen in correct
// code, so it traps. Built only into the freestanding library.
extern "C" [[noreturn]] void __cxa_pure_virtual() {
  for (;;) asm volatile("ud2");
}
