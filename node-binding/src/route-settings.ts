// What a route carries besides its view: on-mount hooks, the server's
// first, then its group's, then its own; and its layout, its own before
// its group's before the server's.

import { checkLayout, type Layout, type LayoutOption } from "./layout";
import { checkMountHooks, type MountHook } from "./mount-hooks";

/** Per-route settings, for `registerComponent` and `group`. */
export interface RouteOptions {
  /** Run before `mount`, on the page render and on every join; see `MountHook`. */
  readonly onMount?: readonly MountHook[];
  /** The page's layout instead of the group's or server's; null for none. See `LayoutOption`. */
  readonly layout?: LayoutOption;
}

export class RouteSettings {
  private readonly hooks = new Map<string, readonly MountHook[]>();
  private readonly layouts = new Map<string, Layout | null>();

  constructor(private readonly serverHooks: readonly MountHook[], private readonly serverLayout: Layout | null) {}

  /** Records `route`'s settings; checks them and names the route in errors. */
  set(route: string, options: RouteOptions | undefined): void {
    const own = checkMountHooks(options?.onMount, `onMount of route ${route}`);
    const layout = checkLayout(options?.layout, `layout of route ${route}`);
    this.hooks.set(route, Object.freeze([...this.serverHooks, ...own]));
    this.layouts.set(route, layout === undefined ? this.serverLayout : layout);
  }

  mountHooks(route: string): readonly MountHook[] {
    return this.hooks.get(route) ?? this.serverHooks;
  }

  /** The layout of a route pattern; null for none. */
  layout(route: string): Layout | null {
    const layout = this.layouts.get(route);
    return layout === undefined ? this.serverLayout : layout;
  }
}
