/**
 * Finding a WebGPU device: `navigator.gpu` in browsers, Dawn (npm `webgpu`) in Node. Requests the
 * adapter's own limits (the defaults are far lower: 128 MiB bindings) and says which adapter it
 * got, and whether it is a software fallback, so automatic backend choice can refuse it.
 */

/** Dawn toggles used in Node: robustness checks cost SwiftShader ~2.7× on matMul (PLATFORM.md). */
export const DEFAULT_DAWN_TOGGLES: readonly string[] = ['enable-dawn-features=disable_robustness'];

/** Where Debian's chromium package puts SwiftShader's Vulkan driver manifest. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Options of device creation. */
export interface DeviceOptions {
  /** A `GPU` object to use instead of `navigator.gpu` / Dawn (e.g. one made by the caller). */
  readonly gpu?: GPU;
  /** Dawn toggles for `create()` in Node (default {@link DEFAULT_DAWN_TOGGLES}). */
  readonly dawnToggles?: readonly string[];
  /** Accept a software (fallback) adapter such as SwiftShader. Default false. */
  readonly allowFallback?: boolean;
  /** `powerPreference` passed to `requestAdapter` (default 'high-performance'). */
  readonly powerPreference?: GPUPowerPreference;
  /**
   * Limits to request below the adapter's own (each is capped at the adapter's value). Tests use
   * this to reach a limit without allocating a gigabyte.
   */
  readonly limits?: Partial<Record<RequestedLimit, number>>;
  /** Kernel choices that normally follow the adapter (tests use them to cover every variant). */
  readonly tuning?: Tuning;
}

/** Overrides of kernel choices that normally follow the adapter. */
export interface Tuning {
  /** matMul workgroup side: 16 (64×64 tiles, 256 invocations) or 8 (32×32 tiles, 64 invocations). */
  readonly matMulThreads?: 8 | 16;
  /** Threads of a workgroup that reduces one long row: 256 on GPUs, 64 on software adapters. */
  readonly reduceThreads?: 64 | 256;
}

/** The limits this backend requests at the adapter's values. */
export const REQUESTED_LIMITS = [
  'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension', 'maxStorageBuffersPerShaderStage',
] as const;
export type RequestedLimit = (typeof REQUESTED_LIMITS)[number];

/** The limits a kernel may rely on (what the device was created with). */
export type GpuLimits = Readonly<Record<RequestedLimit | 'minStorageBufferOffsetAlignment', number>>;

/** What device creation found. */
export interface AcquiredDevice {
  readonly device: GPUDevice;
  readonly limits: GpuLimits;
  readonly isFallback: boolean;
  /** e.g. `google swiftshader (SwiftShader driver 5.0.0), fallback adapter`. */
  readonly adapterDescription: string;
  readonly tuning: Tuning;
}

/** Thrown when only a software adapter exists and it was not asked for by name. */
export class FallbackAdapterError extends Error {
  constructor(adapterDescription: string) {
    super(`only a fallback adapter (${adapterDescription}) was found; automatic choice never picks it — ask for it by name with st.setBackend('webgpu')`);
    this.name = 'FallbackAdapterError';
  }
}

interface NodeProcess { env: Record<string, string | undefined>; platform: string; versions?: { node?: string } }
function nodeProcess(): NodeProcess | undefined {
  const p = (globalThis as { process?: NodeProcess }).process;
  return p?.versions?.node !== undefined ? p : undefined;
}

let nodeGpu: Promise<GPU> | undefined;
const DAWN_PACKAGE: string = 'webgpu';
const NODE_FS: string = 'node:fs';
const NODE_OS: string = 'node:os';
const NODE_PATH: string = 'node:path';

/**
 * Whether the machine has a GPU device node (DRM render node, NVIDIA, WSL). Mesa installs Vulkan
 * driver manifests for Intel and AMD whether or not such hardware is present, so the manifests
 * alone say nothing; without a device node, no hardware driver can give an adapter.
 */
function hasGpuDeviceNode(fs: typeof import('node:fs')): boolean {
  try {
    if (fs.readdirSync('/dev/dri').some((f) => f.startsWith('renderD'))) return true;
  } catch { /* no /dev/dri */ }
  return fs.existsSync('/dev/nvidia0') || fs.existsSync('/dev/dxg');
}

/** Dawn's GPU for Node, made once per process (Dawn keeps one instance per create()). */
async function dawnGpu(proc: NodeProcess, toggles: readonly string[]): Promise<GPU> {
  nodeGpu ??= (async () => {
    // Specifiers held in variables: bundlers building for browsers (Vite) must not follow them.
    const fs = (await import(/* @vite-ignore */ NODE_FS)) as typeof import('node:fs');
    const os = (await import(/* @vite-ignore */ NODE_OS)) as typeof import('node:os');
    const path = (await import(/* @vite-ignore */ NODE_PATH)) as typeof import('node:path');
    // Dawn needs a Vulkan driver. Without a GPU, SwiftShader (Debian chromium) is the one that works;
    // only point the loader at it when the user configured no driver of their own.
    const configured = proc.env['VK_ICD_FILENAMES'] ?? proc.env['VK_DRIVER_FILES'];
    if ((configured === undefined || configured === '') && fs.existsSync(SWIFTSHADER_ICD) && !hasGpuDeviceNode(fs)) {
      proc.env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
    }
    // Without it Dawn prints a harmless but alarming error line.
    if (proc.env['XDG_RUNTIME_DIR'] === undefined || proc.env['XDG_RUNTIME_DIR'] === '') {
      proc.env['XDG_RUNTIME_DIR'] = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-webgpu-'));
    }
    let mod: { create(options: string[]): GPU; globals: object };
    try {
      mod = (await import(/* @vite-ignore */ DAWN_PACKAGE)) as typeof mod;
    } catch (err) {
      throw new Error(`no WebGPU adapter: the npm package 'webgpu' (Dawn for Node) could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
    }
    // Dawn's classes (GPUBufferUsage, GPUShaderStage, ...) are globals in browsers.
    for (const [k, v] of Object.entries(mod.globals)) {
      if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    }
    return mod.create([...toggles]);
  })();
  try {
    return await nodeGpu;
  } catch (err) {
    nodeGpu = undefined;
    throw err;
  }
}

function describeAdapter(adapter: GPUAdapter): { text: string; isFallback: boolean } {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const words = [info.vendor, info.architecture, info.device].filter((w) => w !== undefined && w !== '').join(' ');
  const text = `${words || 'unknown adapter'}${info.description ? ` (${info.description})` : ''}`;
  const software = /swiftshader|llvmpipe|lavapipe|softpipe|warp|microsoft basic render/i.test(`${text} ${info.vendor}`);
  const isFallback = info.isFallbackAdapter === true || legacy === true || software;
  return { text: `${text}${isFallback ? ', fallback (software) adapter' : ''}`, isFallback };
}

function vulkanHint(proc: NodeProcess | undefined): string {
  if (proc === undefined || proc.platform !== 'linux') return '';
  return ` (Linux needs the Vulkan loader, Debian package libvulkan1, and a Vulkan driver: a GPU's, or SwiftShader's from Debian chromium at ${SWIFTSHADER_ICD})`;
}

/**
 * Finds an adapter and creates a device with the adapter's limits. Rejects with a reason that
 * starts `no WebGPU adapter:` when there is none, or a {@link FallbackAdapterError} when only a
 * software adapter exists and `allowFallback` is false.
 */
export async function acquireDevice(options: DeviceOptions = {}): Promise<AcquiredDevice> {
  const proc = nodeProcess();
  let gpu = options.gpu;
  if (gpu === undefined) {
    const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
    if (nav?.gpu !== undefined) gpu = nav.gpu;
    else if (proc !== undefined) gpu = await dawnGpu(proc, options.dawnToggles ?? DEFAULT_DAWN_TOGGLES);
    else throw new Error('no WebGPU adapter: this environment has no navigator.gpu (WebGPU is not enabled in this browser)');
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  } catch (err) {
    throw new Error(`no WebGPU adapter: requestAdapter failed: ${err instanceof Error ? err.message : String(err)}${vulkanHint(proc)}`);
  }
  if (adapter === null) throw new Error(`no WebGPU adapter: requestAdapter returned null${vulkanHint(proc)}`);
  const { text, isFallback } = describeAdapter(adapter);
  if (isFallback && options.allowFallback !== true) throw new FallbackAdapterError(text);

  const requiredLimits: Record<string, number> = {};
  for (const name of REQUESTED_LIMITS) {
    const have = adapter.limits[name];
    const want = options.limits?.[name];
    requiredLimits[name] = want !== undefined ? Math.min(want, have) : have;
  }
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, label: 'strata' });
  } catch (err) {
    throw new Error(`no WebGPU device: requestDevice on ${text} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const limits = {} as Record<RequestedLimit | 'minStorageBufferOffsetAlignment', number>;
  for (const name of REQUESTED_LIMITS) limits[name] = device.limits[name];
  // A device may report a larger value than was asked for; the test override must still hold.
  for (const name of REQUESTED_LIMITS) {
    const want = options.limits?.[name];
    if (want !== undefined) limits[name] = Math.min(limits[name], want);
  }
  limits.minStorageBufferOffsetAlignment = device.limits.minStorageBufferOffsetAlignment;
  return { device, limits, isFallback, adapterDescription: text, tuning: options.tuning ?? {} };
}
