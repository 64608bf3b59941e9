/** A chemical element, the data of the search example. */
export interface Element {
  readonly number: number;
  readonly symbol: string;
  readonly name: string;
}

const NAMES =
  "H Hydrogen,He Helium,Li Lithium,Be Beryllium,B Boron,C Carbon,N Nitrogen,O Oxygen,F Fluorine,Ne Neon," +
  "Na Sodium,Mg Magnesium,Al Aluminium,Si Silicon,P Phosphorus,S Sulfur,Cl Chlorine,Ar Argon,K Potassium,Ca Calcium," +
  "Sc Scandium,Ti Titanium,V Vanadium,Cr Chromium,Mn Manganese,Fe Iron,Co Cobalt,Ni Nickel,Cu Copper,Zn Zinc," +
  "Ga Gallium,Ge Germanium,As Arsenic,Se Selenium,Br Bromine,Kr Krypton";

/** The first 36 elements. */
export const ELEMENTS: readonly Element[] = NAMES.split(",").map((entry, i) => {
  const [symbol, name] = entry.split(" ");
  return { number: i + 1, symbol, name };
});
