#ifndef CSHA256_H
#define CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// The SHA-256 compression function (FIPS 180-4 §6.2.2) in C, for `SHA256` in ReconcileKit.
///
/// Every run hashes the whole directory export, so the block function is the hot loop. On x86-64
/// CPUs with the SHA extensions it runs on those instructions, several times faster than plain
/// code; elsewhere it runs portable C. The choice is made once, from CPUID, at the first call.

/// Compresses `count` consecutive 64-byte blocks at `blocks` into the eight-word `state`
/// (H0...H7 of FIPS 180-4 §6.2), with the fastest implementation this CPU supports.
void csha256_compress(uint32_t *_Nonnull state, const void *_Nonnull blocks, size_t count);

/// The same as `csha256_compress`, always on the portable C implementation: lets the tests check
/// both paths against each other on a machine that has the SHA extensions.
void csha256_compress_portable(uint32_t *_Nonnull state, const void *_Nonnull blocks, size_t count);

/// 1 if `csha256_compress` runs on CPU SHA instructions, 0 if it runs the portable code.
int csha256_accelerated(void);

#endif
