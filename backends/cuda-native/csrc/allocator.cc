#include "allocator.h"

#include <stdexcept>

namespace strata {

namespace {
constexpr size_t kSmallLimit = size_t{1} << 20;
constexpr size_t kSmallStep = 512;
}  // namespace

size_t CachingAllocator::bucketSize(size_t bytes) {
  if (bytes == 0) return 0;
  if (bytes <= kSmallLimit) return (bytes + kSmallStep - 1) / kSmallStep * kSmallStep;
  size_t power = kSmallLimit;
  while (power <= bytes / 2) power <<= 1;  // the largest power of two <= bytes
  const size_t step = power / 4;
  return (bytes + step - 1) / step * step;
}

CachingAllocator::~CachingAllocator() { emptyCache(); }

void* CachingAllocator::allocate(size_t bytes, const char* what) {
  const size_t bucket = bucketSize(bytes);
  if (bucket == 0) return nullptr;
  auto found = cache_.find(bucket);
  if (found != cache_.end() && !found->second.empty()) {
    void* block = found->second.back();
    found->second.pop_back();
    stats_.cachedBlocks--;
    stats_.cachedBytes -= bucket;
    stats_.liveBlocks++;
    stats_.liveBytes += bucket;
    stats_.cacheHits++;
    return block;
  }
  void* block = nullptr;
  std::string error;
  bool ok = source_.allocate(bucket, &block, &error);
  if (!ok && stats_.cachedBlocks > 0) {
    emptyCache();
    stats_.cacheFlushes++;
    ok = source_.allocate(bucket, &block, &error);
  }
  if (!ok) {
    throw std::runtime_error(std::string(what) + ": out of memory: could not allocate " +
                             std::to_string(bytes) + " bytes (" + std::to_string(bucket) +
                             " with rounding) after emptying the cache; " +
                             std::to_string(stats_.liveBytes) + " bytes in " +
                             std::to_string(stats_.liveBlocks) + " blocks are live (" + error + ")");
  }
  stats_.sourceAllocations++;
  stats_.liveBlocks++;
  stats_.liveBytes += bucket;
  return block;
}

void CachingAllocator::release(void* block, size_t bytes) {
  const size_t bucket = bucketSize(bytes);
  if (block == nullptr || bucket == 0) return;
  cache_[bucket].push_back(block);
  stats_.liveBlocks--;
  stats_.liveBytes -= bucket;
  stats_.cachedBlocks++;
  stats_.cachedBytes += bucket;
}

void CachingAllocator::emptyCache() {
  for (auto& entry : cache_) {
    for (void* block : entry.second) source_.release(block);
    entry.second.clear();
  }
  cache_.clear();
  stats_.cachedBlocks = 0;
  stats_.cachedBytes = 0;
}

}  // namespace strata
