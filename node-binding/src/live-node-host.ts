// The host of a view or component in a live view: what `this.subscribe`,
// `this.every`, `this.pushPatch` and the rest reach. A component shares
// its view's connection but may only render, handle its own events and
// notify its view; the rest is for views.

import type { AsyncResult } from "./async-result";
import { ownTopic } from "./core-topics";
import type { Html } from "./html";
import { encodeInfo } from "./info-codec";
import type { InstanceCore } from "./instance-core";
import { parsePresences, type Presences } from "./presence";
import type { Cancel, ComponentType, Flash, Navigation, NodeHost } from "./view-host";
import type { ViewUploads } from "./uploads";
import type { ViewSubscriptions } from "./view-subscriptions";
import type { TreeNode } from "./view-tree";

/** What a node's host asks of the live instance that owns it. */
export interface LiveNodeOwner {
  /** Whether the view is registered with the core (else subscriptions wait). */
  readonly live: boolean;
  readonly flash: Flash;
  readonly core: InstanceCore;
  readonly subscriptions: ViewSubscriptions;
  readonly uploads: ViewUploads | null;
  /** `node`'s state changed: it renders after the current task (or on the next tick). */
  stateChanged(node: TreeNode): void;
  navigate(to: Navigation): void;
  putFlash(kind: string, message: string): void;
  clearFlash(kind?: string): void;
  timer(ms: number, fn: () => void | Promise<void>, repeat: boolean): Cancel;
  startAsync(name: string, work: () => unknown, settle: (result: AsyncResult<unknown>) => void | Promise<void>): void;
  cancelAsync(name: string): void;
  place(parent: object, Component: ComponentType, id: string, props: object): Html;
  notifyView(topic: string, data: unknown): void;
  /** Queues a push event for the hooks of `wireId`; it goes out after the next patch. */
  pushEvent(wireId: string, name: string, payload: unknown): void;
}

/** The host of `node`, a view (no parent) or a component. */
export function liveNodeHost(node: TreeNode, owner: LiveNodeOwner): NodeHost {
  const isView = node.parent === null;
  const viewOnly = (what: string): void => {
    if (!isView) throw new Error(`${what} is for views; a component can notifyView() instead`);
  };
  return {
    connected: true,
    get id() {
      return node.cid;
    },
    get props() {
      return node.props;
    },
    get flash() {
      return owner.flash;
    },
    get uploads() {
      return isView ? owner.uploads : null;
    },
    stateChanged: () => owner.stateChanged(node),
    subscribe: (topic) => {
      viewOnly("subscribe");
      owner.subscriptions.subscribe(topic, owner.live);
    },
    unsubscribe: (topic) => owner.subscriptions.unsubscribe(topic, owner.live),
    broadcast: (topic, data) => owner.core.publish(ownTopic(topic, "broadcast"), encodeInfo(data)),
    track: (topic, key, meta) => {
      viewOnly("track");
      owner.subscriptions.track(topic, key, meta, owner.live);
    },
    untrack: (topic, key) => {
      viewOnly("untrack");
      owner.subscriptions.untrack(topic, key);
    },
    presence: (topic): Presences => parsePresences(owner.core.presenceList(topic)),
    navigate: (to) => owner.navigate(to),
    putFlash: (kind, message) => owner.putFlash(kind, message),
    clearFlash: (kind) => owner.clearFlash(kind),
    timer: (ms, fn, repeat) => {
      viewOnly("every() and after()");
      return owner.timer(ms, fn, repeat);
    },
    async: (name, work, settle) => {
      viewOnly("assignAsync() and startAsync()");
      owner.startAsync(name, work, settle);
    },
    cancelAsync: (name) => owner.cancelAsync(name),
    component: (parent, Component, id, props) => owner.place(parent, Component, id, props),
    notifyView: (topic, data) => owner.notifyView(topic, data),
    pushEvent: (name, payload) => owner.pushEvent(node.wireId, name, payload),
  };
}
