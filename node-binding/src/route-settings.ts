// What a route carries besides its view: on-mount hooks, the server's
// first, then its group's, then its own.

import { checkMountHooks, type MountHook } from "./mount-hooks";

/** Per-route settings, for `registerComponent` and `group`. */
export interface RouteOptions {
  /** Run before `mount`, on the page render and on every join; see `MountHook`. */
  readonly onMount?: readonly MountHook[];
}

export class RouteSettings {
  private readonly hooks = new Map<string, readonly MountHook[]>();

  constructor(private readonly serverHooks: readonly MountHook[]) {}

  /** Records `route`'s settings; checks them and names the route in errors. */
  set(route: string, options: RouteOptions | undefined): void {
    const own = checkMountHooks(options?.onMount, `onMount of route ${route}`);
    this.hooks.set(route, Object.freeze([...this.serverHooks, ...own]));
  }

  mountHooks(route: string): readonly MountHook[] {
    return this.hooks.get(route) ?? this.serverHooks;
  }
}
