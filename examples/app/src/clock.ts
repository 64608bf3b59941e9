import { LiveView, html, loading, type AsyncResult, type Html } from "livets";

interface Weather {
  readonly city: string;
  readonly celsius: number;
}

interface State {
  now: Date;
  running: boolean;
  weather: AsyncResult<Weather>;
  city: string;
}

const CITIES = ["Oslo", "Lagos", "Lima", "Nowhere"];

/** A stand-in for a slow backend: answers after a moment, fails for one city. */
async function fetchWeather(city: string): Promise<Weather> {
  await new Promise((resolve) => setTimeout(resolve, 600));
  if (city === "Nowhere") throw new Error(`no weather station in ${city}`);
  return { city, celsius: Math.round(5 + Math.random() * 25) };
}

/**
 * A timer started with this.every(), which stops when the view goes away,
 * and async work started with assignAsync(), shown loading, then done or
 * failed, as it arrives.
 */
export class Clock extends LiveView<State> {
  static override events = ["toggle", "weather"] as const;

  state: State = { now: new Date(), running: true, weather: loading(), city: CITIES[0] };
  private stop: () => void = () => {};

  override mount(): void {
    this.start();
    this.assignAsync("weather", () => fetchWeather(this.state.city));
  }

  private start(): void {
    this.stop = this.every(1000, () => this.setState({ now: new Date() }));
  }

  override handleEvent(event: string): void {
    if (event === "toggle") {
      if (this.state.running) this.stop();
      else this.start();
      this.setState({ running: !this.state.running });
    } else if (event === "weather") {
      const city = CITIES[(CITIES.indexOf(this.state.city) + 1) % CITIES.length];
      this.setState({ city });
      this.assignAsync("weather", () => fetchWeather(city));
    }
  }

  override render(): Html {
    const { now, running, weather, city } = this.state;
    return html`<h1>Clock</h1>
      <p id="time">${now.toISOString().slice(11, 19)} UTC</p>
      <button id="toggle" ts-on:click="toggle">${running ? "Stop" : "Start"}</button>
      <h2>Weather in ${city}</h2>
      <p id="weather" class="${weather.status}">${
        weather.status === "loading"
          ? "Loading…"
          : weather.status === "failed"
            ? `Could not load: ${weather.error instanceof Error ? weather.error.message : "unknown error"}`
            : `${weather.result.celsius} °C`
      }</p>
      <button id="next-city" ts-on:click="weather">Next city</button>
      <p><a href="/">All examples</a></p>`;
  }
}
