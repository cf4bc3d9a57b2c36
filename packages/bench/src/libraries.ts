/**
 * The libraries a case runs on. Only `@strata/core` is always there; the anchors are optional
 * dependencies loaded at run time (and absent in the browser).
 */
import type * as StrataCore from '@strata/core';
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import type * as Ort from 'onnxruntime-node';

export type StrataLib = typeof StrataCore;
export type TfLib = typeof TfCore;
export type TflLib = typeof TfLayers;
export type OrtLib = typeof Ort;

export interface Libraries {
  readonly st: StrataLib;
  readonly tf?: TfLib;
  readonly tfl?: TflLib;
  readonly ort?: OrtLib;
}

/** One timed unit of work, prepared once per (case, target). */
export interface Job {
  /** One call; resolves only when the work is complete (results read back where needed). */
  run(): unknown;
  /** Frees what `prepare` allocated. */
  dispose(): void;
  /** How this target's figure differs from the others' (e.g. measured through a core fallback). */
  readonly note?: string;
}
