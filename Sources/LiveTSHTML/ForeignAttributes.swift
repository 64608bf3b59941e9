/// `setAttribute` on an SVG or MathML element keeps the name's case, while
/// the parser lowercases and then re-cases these names. Patches must use the
/// parser's spelling or they would create a second, lowercase attribute.
enum ForeignAttributes {
    static func domName(_ name: ArraySlice<UInt8>, namespace: Namespace) -> ArraySlice<UInt8> {
        switch namespace {
        case .html:
            return name
        case .svg:
            return svg[name] ?? name
        case .mathml:
            return name.elementsEqual("definitionurl".utf8) ? ArraySlice("definitionURL".utf8) : name
        }
    }

    private static let svg: [ArraySlice<UInt8>: ArraySlice<UInt8>] = {
        let names = [
            "attributeName", "attributeType", "baseFrequency", "baseProfile", "calcMode",
            "clipPathUnits", "diffuseConstant", "edgeMode", "filterUnits", "glyphRef",
            "gradientTransform", "gradientUnits", "kernelMatrix", "kernelUnitLength", "keyPoints",
            "keySplines", "keyTimes", "lengthAdjust", "limitingConeAngle", "markerHeight",
            "markerUnits", "markerWidth", "maskContentUnits", "maskUnits", "numOctaves",
            "pathLength", "patternContentUnits", "patternTransform", "patternUnits", "pointsAtX",
            "pointsAtY", "pointsAtZ", "preserveAlpha", "preserveAspectRatio", "primitiveUnits",
            "refX", "refY", "repeatCount", "repeatDur", "requiredExtensions", "requiredFeatures",
            "specularConstant", "specularExponent", "spreadMethod", "startOffset", "stdDeviation",
            "stitchTiles", "surfaceScale", "systemLanguage", "tableValues", "targetX", "targetY",
            "textLength", "viewBox", "viewTarget", "xChannelSelector", "yChannelSelector",
            "zoomAndPan",
        ]
        var table: [ArraySlice<UInt8>: ArraySlice<UInt8>] = [:]
        for name in names {
            let bytes = ArraySlice(name.utf8)
            table[ArraySlice(bytes.map(ASCII.lower))] = bytes
        }
        return table
    }()
}
