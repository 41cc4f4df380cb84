import type { Config } from 'tailwindcss'

// Tailwind v4 reads this through `@config` in src/app/styles.css. Colours meet WCAG AA contrast
// on both the light and the dark surface.
export default {
  content: ['./index.html', './src/**/*.{ts,tsx}'],
  theme: {
    extend: {
      colors: {
        brand: {
          50: '#ecfdf5',
          100: '#d1fae5',
          600: '#047857',
          700: '#065f46',
          800: '#064e3b',
        },
      },
      minHeight: { target: '44px' },
      minWidth: { target: '44px' },
    },
  },
} satisfies Config
