/**
 * A pool of GPU buffers in size classes. Creating and destroying buffers is slow on every WebGPU
 * implementation, and a training step makes and frees the same sizes again and again, so freed
 * buffers wait here for the next tensor of their size class.
 *
 * Size classes: 4 per power of two (≤ 19% waste), at least {@link MIN_BUFFER_BYTES}.
 * A buffer freed while commands that use it are still being encoded is quarantined until those
 * commands are submitted (`release`): a later `queue.writeBuffer` into it would otherwise land
 * before the earlier commands read it.
 */

/** The smallest buffer: empty tensors get one too, so no binding is ever zero-sized. */
export const MIN_BUFFER_BYTES = 16;

/** Pool statistics, for tests that check the pool is stable and for reports. */
export interface PoolStats {
  /** Buffers alive on the device (in use, quarantined or pooled). */
  readonly allocatedBuffers: number;
  /** Bytes of those buffers (their size classes). */
  readonly allocatedBytes: number;
  /** Buffers waiting in the pool for reuse. */
  readonly pooledBuffers: number;
  readonly pooledBytes: number;
  /** Buffers created since the pool was made. */
  readonly created: number;
  /** Requests served from the pool. */
  readonly reused: number;
}

/** The size class (bytes) a request of `bytes` is served from. */
export function sizeClass(bytes: number): number {
  if (bytes <= MIN_BUFFER_BYTES) return MIN_BUFFER_BYTES;
  const step = 2 ** Math.max(2, Math.floor(Math.log2(bytes)) - 2);
  return Math.ceil(bytes / step) * step;
}

export class BufferPool {
  readonly #device: GPUDevice;
  readonly #usage: GPUBufferUsageFlags;
  readonly #free = new Map<number, GPUBuffer[]>();
  #quarantine: GPUBuffer[] = [];
  /** Pooled bytes above which freed buffers are destroyed instead of kept. */
  readonly #maxPooledBytes: number;
  #allocatedBuffers = 0;
  #allocatedBytes = 0;
  #pooledBuffers = 0;
  #pooledBytes = 0;
  #created = 0;
  #reused = 0;

  readonly #maxBufferSize: number;

  constructor(device: GPUDevice, usage: GPUBufferUsageFlags, maxPooledBytes: number, maxBufferSize: number) {
    this.#maxBufferSize = maxBufferSize;
    this.#device = device;
    this.#usage = usage;
    this.#maxPooledBytes = maxPooledBytes;
  }

  /** A buffer of at least `bytes` (its size is the size class). */
  acquire(bytes: number, label: string): GPUBuffer {
    // Near the adapter's limit the size class may not fit: then the exact size (4-byte aligned).
    let size = sizeClass(bytes);
    if (size > this.#maxBufferSize) size = Math.max(MIN_BUFFER_BYTES, Math.ceil(bytes / 4) * 4);
    const list = this.#free.get(size);
    const reused = list?.pop();
    if (reused !== undefined) {
      this.#pooledBuffers--;
      this.#pooledBytes -= size;
      this.#reused++;
      return reused;
    }
    const buffer = this.#device.createBuffer({ size, usage: this.#usage, label });
    this.#created++;
    this.#allocatedBuffers++;
    this.#allocatedBytes += size;
    return buffer;
  }

  /** Gives a buffer back. `inFlight`: commands being encoded may still use it (see class doc). */
  release(buffer: GPUBuffer, inFlight: boolean): void {
    if (inFlight) this.#quarantine.push(buffer);
    else this.#keep(buffer);
  }

  /** Called after a submit: quarantined buffers become reusable. */
  submitted(): void {
    const q = this.#quarantine;
    this.#quarantine = [];
    for (const b of q) this.#keep(b);
  }

  #keep(buffer: GPUBuffer): void {
    const size = buffer.size;
    if (this.#pooledBytes + size > this.#maxPooledBytes) {
      buffer.destroy();
      this.#allocatedBuffers--;
      this.#allocatedBytes -= size;
      return;
    }
    let list = this.#free.get(size);
    if (list === undefined) this.#free.set(size, (list = []));
    list.push(buffer);
    this.#pooledBuffers++;
    this.#pooledBytes += size;
  }

  /** Destroys every pooled buffer (in-use buffers are the caller's). */
  trim(): void {
    for (const list of this.#free.values()) for (const b of list) {
      b.destroy();
      this.#allocatedBuffers--;
      this.#allocatedBytes -= b.size;
    }
    this.#free.clear();
    this.#pooledBuffers = 0;
    this.#pooledBytes = 0;
  }

  stats(): PoolStats {
    return {
      allocatedBuffers: this.#allocatedBuffers, allocatedBytes: this.#allocatedBytes,
      pooledBuffers: this.#pooledBuffers, pooledBytes: this.#pooledBytes,
      created: this.#created, reused: this.#reused,
    };
  }
}
