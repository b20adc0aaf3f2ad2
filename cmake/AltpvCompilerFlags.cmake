# SPDX-License-Identifier: MIT
# Warnings for everything we build, and the flag sets the two worlds need.

add_compile_options(-Wall -Wextra)

# Site declarations compute lengths with `.if` on label differences, which
# Clang's integrated assembler cannot evaluate; GNU as can. Consumers get the
# same flag through the altpv targets' INTERFACE options.
# -fno-autolink: Clang would otherwise emit a .linker-options section, which
# GNU as does not know and warns about in every translation unit.
set(ALTPV_CLANG_AS_FLAG $<$<CXX_COMPILER_ID:Clang>:-fno-integrated-as>
                        $<$<CXX_COMPILER_ID:Clang>:-fno-autolink>)
add_compile_options(${ALTPV_CLANG_AS_FLAG})

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
    -ffreestanding -fno-exceptions -fno-rtti -fno-asynchronous-unwind-tables
    -mno-red-zone ${ALTPV_NO_VECTOR_FLAGS} ${ALTPV_STACK_BOUNDARY_8_FLAGS} -fno-stack-protector
    -fno-threadsafe-statics -fpie)
