# SPDX-License-Identifier: MIT
# Warnings for everything we build, and the flag sets the two worlds need.

add_compile_options(-Wall -Wextra)

# Site declarations compute lengths with `.if` on label differences, which
# Clang's integrated assembler cannot evaluate; GNU as can. Consumers get the
# same flags through the altpv targets' INTERFACE options, for every C, C++
# and assembler source Clang compiles (site.h serves all three).
# -fno-autolink: Clang would otherwise emit a .linker-options section, which
# GNU as does not know and warns about in every translation unit.
set(ALTPV_CLANG_AS_FLAG)
foreach(lang C CXX ASM)
  list(APPEND ALTPV_CLANG_AS_FLAG $<$<COMPILE_LANG_AND_ID:${lang},Clang>:-fno-integrated-as>
       $<$<COMPILE_LANG_AND_ID:${lang},Clang>:-fno-autolink>)
endforeach()
add_compile_options(${ALTPV_CLANG_AS_FLAG})

# What code that uses the freestanding engine's sites must be built with, so
# altpv::freestanding requires it of its consumers. A call alternative's
# shape follows from __STDC_HOSTED__ (site.h): freestanding code gets a plain
# `call`, which pushes its return address where a red zone would be, and the
# freestanding stubs offer only that shape.
set(ALTPV_FREESTANDING_ABI_FLAGS -ffreestanding -mno-red-zone)

# Freestanding code (the engine for kernels, the testbed guest): no libc, no
# exceptions, no RTTI, no red zone, no vector registers, no stack protector,
# and an 8-byte stack boundary as in Linux x86-64 (nothing without vector
# registers needs 16; a function that does realigns itself), so native-ABI
# stubs need not realign the stack for their handlers (native_abi.h).
# Clang's -mgeneral-regs-only also removes x87, and then rejects the long
# double overloads in libstdc++'s headers; no SSE and no MMX is what matters.
set(ALTPV_NO_VECTOR_FLAGS
    $<$<CXX_COMPILER_ID:Clang>:-mno-sse> $<$<CXX_COMPILER_ID:Clang>:-mno-mmx>
    $<$<NOT:$<CXX_COMPILER_ID:Clang>>:-mgeneral-regs-only>)
set(ALTPV_STACK_BOUNDARY_8_FLAGS $<$<CXX_COMPILER_ID:Clang>:-mstack-alignment=8>
                                 $<$<NOT:$<CXX_COMPILER_ID:Clang>>:-mpreferred-stack-boundary=3>)
set(ALTPV_FREESTANDING_FLAGS
    ${ALTPV_FREESTANDING_ABI_FLAGS} -fno-exceptions -fno-rtti -fno-asynchronous-unwind-tables
    ${ALTPV_NO_VECTOR_FLAGS} ${ALTPV_STACK_BOUNDARY_8_FLAGS} -fno-stack-protector
    -fno-threadsafe-statics -fpie)
