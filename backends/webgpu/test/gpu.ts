// Shared by the tests: a backend on whatever adapter exists (SwiftShader included), or the
// reason there is none, so tests that need a GPU skip saying what is missing.
import { existsSync } from 'node:fs';
import { WebGPUBackend } from '@strata/backend-webgpu';
import type { WebGPUBackendOptions } from '@strata/backend-webgpu';

/** Why no WebGPU adapter can be had here, naming the missing piece; null when one can. */
export async function missingGpu(): Promise<string | null> {
  try {
    const b = await WebGPUBackend.create({ allowFallback: true });
    b.dispose();
    return null;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const hints: string[] = [];
    if (!['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1'].some((p) => existsSync(p))) hints.push('the Vulkan loader (Debian libvulkan1) is not installed');
    if (!existsSync('/usr/lib/chromium/vk_swiftshader_icd.json')) hints.push("SwiftShader's Vulkan driver (Debian chromium, /usr/lib/chromium/vk_swiftshader_icd.json) is not installed");
    return `no WebGPU adapter here${hints.length ? ` (${hints.join('; ')})` : ''}: ${message}`;
  }
}

/** A backend on any adapter, fallback included. */
export function anyAdapter(options: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
  return WebGPUBackend.create({ allowFallback: true, ...options });
}
