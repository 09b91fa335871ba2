// What the CPU we run on can do, for scans that pick a vectorised path at run time (the
// release build targets baseline x86-64, so AVX2 code is compiled separately and chosen here).
#pragma once

namespace senderauth {

// True on an x86-64 CPU with AVX2; false elsewhere. Asked of the CPU once.
bool cpu_has_avx2();

// Tests only: while `disabled`, cpu_has_avx2() answers false, so the paths a CPU without AVX2
// takes can be checked on one that has it.
void disable_avx2_for_testing(bool disabled);

}  // namespace senderauth
