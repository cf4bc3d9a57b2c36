// A caching allocator over any block source (device memory, pinned host memory, or a simulated
// pool in tests). Requests round up to a bucket size; freed blocks go back to a per-bucket cache
// and are handed out again without calling the source. When the source is out of memory the cache
// is emptied once and the request retried, so only a real shortage fails.
//
// Reusing a freed device block at once is safe because every kernel and copy runs on one stream:
// work that reads the old contents is ordered before work that writes the new ones.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace strata {

// Where blocks come from. allocate returns false when the source has no room.
class BlockSource {
 public:
  virtual ~BlockSource() = default;
  virtual bool allocate(size_t bytes, void** block, std::string* error) = 0;
  virtual void release(void* block) = 0;
};

struct AllocatorStats {
  uint64_t liveBlocks = 0;
  uint64_t liveBytes = 0;      // bucket bytes held by live blocks
  uint64_t cachedBlocks = 0;
  uint64_t cachedBytes = 0;
  uint64_t sourceAllocations = 0;  // calls that reached the source (cudaMalloc)
  uint64_t cacheHits = 0;
  uint64_t cacheFlushes = 0;       // times the cache was emptied to retry a failed request
};

class CachingAllocator {
 public:
  explicit CachingAllocator(BlockSource& source) : source_(source) {}
  ~CachingAllocator();
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  // Bytes actually reserved for a request: multiples of 512 B up to 1 MiB, then steps of a
  // quarter of the request's power of two (at most 25% over). 0 stays 0.
  static size_t bucketSize(size_t bytes);

  // A block of bucketSize(bytes); throws std::runtime_error saying "out of memory" with the
  // bytes requested when the source fails even after the cache was emptied.
  void* allocate(size_t bytes, const char* what);
  // Returns a block of `bytes` requested bytes (the same number given to allocate) to the cache.
  void release(void* block, size_t bytes);
  // Hands every cached block back to the source.
  void emptyCache();
  const AllocatorStats& stats() const { return stats_; }

 private:
  BlockSource& source_;
  std::unordered_map<size_t, std::vector<void*>> cache_;
  AllocatorStats stats_;
};

}  // namespace strata
