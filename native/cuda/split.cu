// CUDA twin of cpu/split.cc: Split along `axis` into the outputs, whose dims give the sizes; any
// element type (byte copies).
//
// Seen as [outer, row], output i takes the byte range [offset[i], offset[i] + block[i]) of every
// row of X (cpu::axis_blocks). One launch fills up to kPartsPerLaunch outputs, blockIdx.y picking
// the output, in the widest unit (up to 16 bytes) that every block, offset and address allows.
#include <cstdint>

#include "cuda/movement.h"

namespace srt {
namespace {

constexpr int kPartsPerLaunch = 16;

// Up to kPartsPerLaunch outputs, sizes in units of the launch's type.
template <class T>
struct SplitParts {
  T* dst[kPartsPerLaunch];
  int64_t block[kPartsPerLaunch];   // units of one row of the output
  int64_t offset[kPartsPerLaunch];  // where that row starts within a row of X
};

template <class T, class I>
__global__ void split_kernel(const T* __restrict__ x, SplitParts<T> p, int64_t outer, int64_t row) {
  const int part = static_cast<int>(blockIdx.y);
  T* __restrict__ y = p.dst[part];
  const I block = static_cast<I>(p.block[part]);
  const I n = static_cast<I>(outer * p.block[part]);
  for (I i = blockIdx.x * I(blockDim.x) + threadIdx.x; i < n; i += I(gridDim.x) * blockDim.x) {
    const I r = i / block;
    y[i] = x[static_cast<int64_t>(r) * row + p.offset[part] + static_cast<int64_t>(i - r * block)];
  }
}

std::string supports_split(const NodeSig& s) {
  std::string r = cpu::first_reason(cpu::require_arity(s, 1, 1, 1, 1u << 20, 1), require_types(s, SRT_ANY_TYPES));
  if (!r.empty()) return r;
  for (size_t o = 0; o < s.out_types.size(); ++o) {
    if (s.out_types[o] != s.in_types[0]) return s.op + ": output " + std::to_string(o) + " has a different type than the input";
    if (s.out_ranks[o] != s.in_ranks[0]) return s.op + ": output " + std::to_string(o) + " has a different rank than the input";
  }
  return cpu::require_axis(s, s.attrs.i("axis", 0), s.in_ranks[0]);
}

void run_split(const KernelCall& c) {
  const Tensor& X = cpu::input(c, 0, "Split");
  const cpu::AxisBlocks b = cpu::axis_blocks("Split", X, c.out, c.attrs.i("axis", 0), "output", "input");
  if (X.numel() == 0) return;
  // The widest unit every output's block and offset, the row and every address allow.
  size_t unit = cuda::widest_unit({b.row, cuda::address_of(X.data)});
  for (size_t i = 0, offset = 0; i < c.out.size(); ++i) {
    const size_t block = b.block(*c.out[i]);
    if (block != 0) unit = cuda::widest_unit({block, offset, cuda::address_of(c.out[i]->data)}, unit);
    offset += block;
  }
  const int64_t row = static_cast<int64_t>(b.row / unit);
  cuda::dispatch_unit(unit, [&](auto tag) {
    using T = decltype(tag);
    // Launches over batches of non-empty outputs.
    size_t next = 0, offset = 0;  // offset: bytes of the parts before `next` within a row
    while (next < c.out.size()) {
      SplitParts<T> p{};
      int count = 0;
      int64_t largest = 0;  // units of the largest output of the batch
      for (; next < c.out.size() && count < kPartsPerLaunch; ++next) {
        const size_t block = b.block(*c.out[next]);
        offset += block;
        if (block == 0) continue;
        p.dst[count] = static_cast<T*>(c.out[next]->data);
        p.block[count] = static_cast<int64_t>(block / unit);
        p.offset[count] = static_cast<int64_t>((offset - block) / unit);
        if (b.outer * p.block[count] > largest) largest = b.outer * p.block[count];
        ++count;
      }
      if (count == 0) break;
      const dim3 grid(cuda::blocks_for(largest), static_cast<unsigned>(count));
      cuda::dispatch_index(largest, [&](auto index_tag) {
        using I = decltype(index_tag);
        SRT_LAUNCH(grid, cuda::kThreads, 0, cuda::stream_of(c), split_kernel<T, I>)
        (static_cast<const T*>(X.data), p, b.outer, row);
      });
      cuda::check_launch("Split");
    }
  });
}

}  // namespace

SRT_KERNEL("Split", CUDA, supports_split, run_split);

}  // namespace srt
