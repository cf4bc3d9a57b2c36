/**
 * The class registry that lets layers, losses, metrics, optimizers, initializers, regularizers,
 * constraints and schedules be saved by name and rebuilt from their config. Built-in classes
 * register themselves; users register their own with `registerClass`.
 */

/** A JSON value: what configs are made of. */
export type ConfigValue = null | boolean | number | string | readonly ConfigValue[] | ConfigDict;
/** A JSON object. */
export interface ConfigDict {
  [key: string]: ConfigValue;
}

/** `{className, config}`: how a registered object is written in a config. */
export interface SerializedObject extends ConfigDict {
  /** The registered class name. */
  className: string;
  /** The object's `getConfig()`. */
  config: ConfigDict;
}

/** What a registry entry is used for; names are looked up per kind. */
export type SerializableKind = 'layer' | 'loss' | 'metric' | 'optimizer' | 'initializer' | 'regularizer' | 'constraint' | 'schedule' | 'activation';

/** The static side of a registrable class: a name and a way to rebuild from a config. */
export interface SerializableClass<T = unknown> {
  /** The name the class is registered and saved under. */
  readonly className: string;
  /** Rebuilds an instance from `getConfig()`'s result. */
  fromConfig(config: ConfigDict): T;
}

/** An object that can describe itself as `{className, config}`. */
export interface Serializable {
  /** The name the object is saved under. */
  getClassName(): string;
  /** The constructor arguments that rebuild the object (JSON only). */
  getConfig(): ConfigDict;
  /** What to write instead of `{getClassName(), getConfig()}`, for an equivalent form more readers understand. */
  serializedForm?(): SerializedObject | undefined;
}

const registry = new Map<SerializableKind, Map<string, SerializableClass>>();

/**
 * Makes `cls` loadable by its `className` for configs of `kind` (e.g. a custom layer inside a
 * saved model).
 * @example
 * class Scale extends st.Layer {
 *   static override readonly className = 'Scale';
 *   call(inputs: st.Tensor | st.Tensor[]): st.Tensor { return st.mul(st.layers.singleInput(inputs, this.name), 2); }
 * }
 * st.registerClass('layer', Scale);
 */
export function registerClass<T>(kind: SerializableKind, cls: SerializableClass<T>): void {
  if (typeof cls.className !== 'string' || cls.className === '') {
    throw new Error(`registerClass: a ${kind} class needs a static 'className' string`);
  }
  let forKind = registry.get(kind);
  if (!forKind) registry.set(kind, (forKind = new Map()));
  forKind.set(cls.className, cls);
}

/** The registered class for `className`, or undefined. */
export function getRegisteredClass(kind: SerializableKind, className: string): SerializableClass | undefined {
  return registry.get(kind)?.get(className);
}

/** Every registered class name of one kind (sorted), for error messages and docs. */
export function registeredClassNames(kind: SerializableKind): string[] {
  return [...(registry.get(kind)?.keys() ?? [])].sort();
}

/** `{className, config}` of an object. */
export function serializeObject(obj: Serializable): SerializedObject {
  return obj.serializedForm?.() ?? { className: obj.getClassName(), config: obj.getConfig() };
}

/** Whether `value` looks like `{className, config}`. */
export function isSerializedObject(value: unknown): value is SerializedObject {
  return value !== null && typeof value === 'object' && typeof (value as { className?: unknown }).className === 'string' &&
    typeof (value as { config?: unknown }).config === 'object';
}

/**
 * Rebuilds an object of `kind` from `{className, config}`; `where` names the caller for the error
 * when the class is unknown.
 */
export function deserializeObject<T>(kind: SerializableKind, value: SerializedObject, where: string): T {
  const cls = getRegisteredClass(kind, value.className);
  if (!cls) {
    const known = registeredClassNames(kind);
    throw new Error(`${where}: unknown ${kind} class '${value.className}'. Known: ${known.join(', ') || '(none)'}. ` +
      `A custom class must be registered with st.registerClass('${kind}', TheClass) before loading.`);
  }
  return cls.fromConfig(value.config ?? {}) as T;
}

/** The registered class name of an instance (its constructor's static `className`). */
export function classNameOf(obj: object, kind: string): string {
  const name = (obj.constructor as { className?: unknown }).className;
  if (typeof name !== 'string' || name === '') {
    throw new Error(`${obj.constructor.name}: a ${kind} class must declare a static 'className' to be serialized`);
  }
  return name;
}
