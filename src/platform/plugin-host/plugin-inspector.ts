import { RequestMethod, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { EVENT_LISTENER_METADATA } from '@nestjs/event-emitter/dist/constants';
import { IS_PUBLIC, ROLES } from '../../common/http/decorators';
import { JOB_SPEC, type JobSpec } from '../jobs/job.decorator';

export interface ModuleContents {
  controllers: { controller: Type<unknown>; path: string }[];
  /** `access`: whether the route (or its controller) says who may use it, with @Roles or @Public. */
  routes: { method: string; path: string; access: boolean }[];
  jobs: string[];
  listeners: string[];
}

type Metatype = Type<unknown>;
type ModuleLike = Metatype | DynamicModule;

const trimSlashes = (path: string) => path.replace(/^\/+|\/+$/g, '');

function isDynamicModule(value: unknown): value is DynamicModule {
  return typeof value === 'object' && value !== null && 'module' in value;
}

function providerClass(provider: Provider): Metatype | null {
  if (typeof provider === 'function') return provider;
  if (typeof provider === 'object' && provider && 'useClass' in provider) return provider.useClass as Metatype;
  return null;
}

function methodsOf(type: Metatype): { name: string; fn: object }[] {
  const methods: { name: string; fn: object }[] = [];
  const seen = new Set<string>();
  for (
    let proto = type.prototype as object | null;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor' || seen.has(name)) continue;
      seen.add(name);
      const fn = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
      if (typeof fn === 'function') methods.push({ name, fn });
    }
  }
  return methods;
}

const declaresAccess = (target: object) =>
  Reflect.getMetadata(ROLES, target) !== undefined || Reflect.getMetadata(IS_PUBLIC, target) === true;

function pathsOf(target: object): string[] {
  const raw = Reflect.getMetadata(PATH_METADATA, target) as string | string[] | undefined;
  return (Array.isArray(raw) ? raw : [raw ?? '']).map(trimSlashes);
}

/**
 * What a plugin's module contributes, read from decorator metadata without
 * building anything: controllers and their routes, @Job names, event
 * listeners. Walks the module's imports (static and dynamic modules).
 */
export function inspectModule(root: ModuleLike): ModuleContents {
  const controllers: Metatype[] = [];
  const providers: Metatype[] = [];
  const visited = new Set<unknown>();

  const visit = (mod: unknown) => {
    if (!mod || visited.has(mod)) return;
    visited.add(mod);
    const dynamic = isDynamicModule(mod) ? mod : null;
    const type = (dynamic ? dynamic.module : mod) as Metatype;
    if (typeof type !== 'function') return; // forwardRef or a promise: not followed
    const meta = <T>(key: string) => (Reflect.getMetadata(key, type) as T[] | undefined) ?? [];
    controllers.push(...meta<Metatype>(MODULE_METADATA.CONTROLLERS), ...((dynamic?.controllers ?? []) as Metatype[]));
    for (const provider of [...meta<Provider>(MODULE_METADATA.PROVIDERS), ...(dynamic?.providers ?? [])]) {
      const cls = providerClass(provider);
      if (cls) providers.push(cls);
    }
    for (const imported of [...meta<unknown>(MODULE_METADATA.IMPORTS), ...(dynamic?.imports ?? [])]) visit(imported);
  };
  visit(root);

  const contents: ModuleContents = { controllers: [], routes: [], jobs: [], listeners: [] };
  for (const controller of new Set(controllers)) {
    for (const base of pathsOf(controller)) {
      contents.controllers.push({ controller, path: base });
      for (const { fn } of methodsOf(controller)) {
        const method = Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod | undefined;
        if (method === undefined) continue;
        for (const sub of pathsOf(fn)) {
          contents.routes.push({
            method: RequestMethod[method],
            path: `/${[base, sub].filter(Boolean).join('/')}`,
            access: declaresAccess(controller) || declaresAccess(fn),
          });
        }
      }
    }
  }
  for (const type of new Set([...providers, ...controllers])) {
    for (const { fn } of methodsOf(type)) {
      const job = Reflect.getMetadata(JOB_SPEC, fn) as JobSpec | undefined;
      if (job) contents.jobs.push(job.name);
      const listeners = (Reflect.getMetadata(EVENT_LISTENER_METADATA, fn) as { event: unknown }[] | undefined) ?? [];
      for (const { event } of listeners) contents.listeners.push(String(event));
    }
  }
  contents.jobs.sort();
  contents.listeners = [...new Set(contents.listeners)].sort();
  return contents;
}
