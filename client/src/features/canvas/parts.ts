// Moved to shared/ so the server can draw the canvas for reports.
export * from '../../../../shared/canvas/parts.js'
