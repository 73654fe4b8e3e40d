import type { CfnManagedLoginBranding } from 'aws-cdk-lib/aws-cognito';

/** RouKey's colours, as managed login writes them (`rrggbbaa`). The dashboard uses the same palette. */
export const BRAND = {
  name: 'RouKey',
  primary: '4f46e5ff',
  primaryHover: '4338caff',
  primaryActive: '3730a3ff',
  onPrimary: 'ffffffff',
  page: 'f8fafcff',
  heading: '0f172aff',
  body: '334155ff',
} as const;

/** The wordmark above the sign-in form: RouKey's name, in its primary colour. */
const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="64" viewBox="0 0 240 64"><rect x="4" y="12" width="40" height="40" rx="10" fill="#${BRAND.primary.slice(0, 6)}"/><path d="M16 24h10a6 6 0 0 1 0 12h-4l8 8" fill="none" stroke="#ffffff" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"/><text x="56" y="44" font-family="Helvetica, Arial, sans-serif" font-size="30" font-weight="700" fill="#${BRAND.heading.slice(0, 6)}">${BRAND.name}</text></svg>`;

export const BRANDING_ASSETS: CfnManagedLoginBranding.AssetTypeProperty[] = [
  { category: 'FORM_LOGO', colorMode: 'LIGHT', extension: 'SVG', bytes: Buffer.from(LOGO_SVG).toString('base64') },
];

/**
 * The managed login style (branding version 2): only what differs from Cognito's defaults, in the shape of
 * DescribeManagedLoginBrandingByClient's `Settings` (light mode; Cognito fills in the rest).
 */
export const BRANDING_SETTINGS = {
  categories: {
    global: { colorSchemeMode: 'LIGHT', pageHeader: { enabled: false }, pageFooter: { enabled: false } },
  },
  componentClasses: {
    buttons: { borderRadius: 8 },
    focusState: { lightMode: { borderColor: BRAND.primary } },
    link: { lightMode: { defaults: { textColor: BRAND.primary }, hover: { textColor: BRAND.primaryActive } } },
  },
  components: {
    pageBackground: { lightMode: { color: BRAND.page }, image: { enabled: false } },
    form: { borderRadius: 12, logo: { enabled: true, formInclusion: 'IN', location: 'CENTER', position: 'TOP' } },
    pageText: { lightMode: { headingColor: BRAND.heading, bodyColor: BRAND.body, descriptionColor: BRAND.body } },
    primaryButton: {
      lightMode: {
        defaults: { backgroundColor: BRAND.primary, textColor: BRAND.onPrimary },
        hover: { backgroundColor: BRAND.primaryHover, textColor: BRAND.onPrimary },
        active: { backgroundColor: BRAND.primaryActive, textColor: BRAND.onPrimary },
      },
    },
  },
} as const;
