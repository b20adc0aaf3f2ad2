// SPDX-License-Identifier: MIT
// The C library functions the freestanding engine calls, which every kernel
// provides for itself. String instructions, so that the compiler cannot turn
// a loop back into a call to the function itself.
#include <cstddef>

extern "C" {

void* memcpy(void* dst, const void* src, std::size_t n) {
  void* d = dst;
  asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
  return dst;
}

void* memset(void* dst, int c, std::size_t n) {
  void* d = dst;
  asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
  return dst;
}

int memcmp(const void* a, const void* b, std::size_t n) {
  int diff = 0;
  // repe cmpsb stops after the first byte that differs; compare that pair.
  const auto* p = static_cast<const unsigned char*>(a);
  const auto* q = static_cast<const unsigned char*>(b);
  if (n != 0) {
    asm volatile("repe cmpsb" : "+S"(p), "+D"(q), "+c"(n) : : "cc", "memory");
    diff = p[-1] - q[-1];
  }
  return diff;
}

}  // extern "C"
